# Pigsty cloud demo "full" (meta plus node-1..3, 10.10.10.10-13) on AWS, Debian 13 (trixie).
# Rendered by `pigsty image terraform --spec full --os d13 --provider aws` from spec/full.yml;
# edit the spec or the template and render again rather than editing this file.
#
#   terraform init
#   terraform apply -var 'allowed_cidr=203.0.113.7/32' -var "ssh_public_key=$(cat ~/.ssh/id_ed25519.pub)"
#
# The security group opens only SSH (22), HTTP (80) and PostgreSQL (5432), and only to
# allowed_cidr, which has no default: give your own address.

terraform {
  required_version = ">= 1.3"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "region" {
  type        = string
  description = "AWS region"
  default     = "us-east-1"
}

variable "allowed_cidr" {
  type        = string
  description = "The only network that may reach SSH, 80 and 5432, e.g. your address as a.b.c.d/32 (required)"

  validation {
    condition     = can(cidrhost(var.allowed_cidr, 0)) && var.allowed_cidr != "0.0.0.0/0"
    error_message = "The allowed_cidr value must be an IPv4 CIDR other than 0.0.0.0/0, such as 203.0.113.7/32."
  }
}

variable "ssh_public_key" {
  type        = string
  description = "OpenSSH public key installed for the login user admin (required)"
}

provider "aws" {
  region = var.region
}

data "aws_availability_zones" "available" {
  state = "available"
}

data "aws_ami" "base" {
  most_recent = true
  owners      = ["136693071363"]

  filter {
    name   = "name"
    values = ["debian-13-amd64-*"]
  }

  filter {
    name   = "architecture"
    values = ["x86_64"]
  }
}

resource "aws_vpc" "pigsty" {
  cidr_block           = "10.10.10.0/24"
  enable_dns_hostnames = true
  tags = {
    Name = "pigsty-full"
  }
}

resource "aws_subnet" "pigsty" {
  vpc_id                  = aws_vpc.pigsty.id
  cidr_block              = "10.10.10.0/24"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = true
  tags = {
    Name = "pigsty-full"
  }
}

resource "aws_internet_gateway" "pigsty" {
  vpc_id = aws_vpc.pigsty.id
}

resource "aws_route_table" "pigsty" {
  vpc_id = aws_vpc.pigsty.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.pigsty.id
  }
}

resource "aws_route_table_association" "pigsty" {
  subnet_id      = aws_subnet.pigsty.id
  route_table_id = aws_route_table.pigsty.id
}

resource "aws_security_group" "pigsty" {
  name        = "pigsty-full"
  description = "Pigsty: SSH, HTTP and PostgreSQL from allowed_cidr; all between the nodes"
  vpc_id      = aws_vpc.pigsty.id

  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.allowed_cidr]
  }

  ingress {
    description = "HTTP (nginx portal)"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = [var.allowed_cidr]
  }

  ingress {
    description = "PostgreSQL"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [var.allowed_cidr]
  }

  ingress {
    description = "between the nodes of 10.10.10.0/24"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.10.10.0/24"]
  }

  egress {
    description = "outbound"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_key_pair" "pigsty" {
  key_name   = "pigsty-full"
  public_key = var.ssh_public_key
}

resource "aws_instance" "meta" {
  ami                    = data.aws_ami.base.id
  instance_type          = "t2.medium"
  subnet_id              = aws_subnet.pigsty.id
  private_ip             = "10.10.10.10"
  vpc_security_group_ids = [aws_security_group.pigsty.id]
  key_name               = aws_key_pair.pigsty.key_name

  root_block_device {
    volume_size = 40
    volume_type = "gp3"
  }

  tags = {
    Name = "pigsty-full-meta"
  }
}

resource "aws_instance" "node_1" {
  ami                    = data.aws_ami.base.id
  instance_type          = "t2.small"
  subnet_id              = aws_subnet.pigsty.id
  private_ip             = "10.10.10.11"
  vpc_security_group_ids = [aws_security_group.pigsty.id]
  key_name               = aws_key_pair.pigsty.key_name

  root_block_device {
    volume_size = 20
    volume_type = "gp3"
  }

  tags = {
    Name = "pigsty-full-node-1"
  }
}

resource "aws_instance" "node_2" {
  ami                    = data.aws_ami.base.id
  instance_type          = "t2.small"
  subnet_id              = aws_subnet.pigsty.id
  private_ip             = "10.10.10.12"
  vpc_security_group_ids = [aws_security_group.pigsty.id]
  key_name               = aws_key_pair.pigsty.key_name

  root_block_device {
    volume_size = 20
    volume_type = "gp3"
  }

  tags = {
    Name = "pigsty-full-node-2"
  }
}

resource "aws_instance" "node_3" {
  ami                    = data.aws_ami.base.id
  instance_type          = "t2.small"
  subnet_id              = aws_subnet.pigsty.id
  private_ip             = "10.10.10.13"
  vpc_security_group_ids = [aws_security_group.pigsty.id]
  key_name               = aws_key_pair.pigsty.key_name

  root_block_device {
    volume_size = 20
    volume_type = "gp3"
  }

  tags = {
    Name = "pigsty-full-node-3"
  }
}

output "meta_public_ip" {
  description = "Public IP of meta (10.10.10.10)"
  value       = aws_instance.meta.public_ip
}

output "node_1_public_ip" {
  description = "Public IP of node-1 (10.10.10.11)"
  value       = aws_instance.node_1.public_ip
}

output "node_2_public_ip" {
  description = "Public IP of node-2 (10.10.10.12)"
  value       = aws_instance.node_2.public_ip
}

output "node_3_public_ip" {
  description = "Public IP of node-3 (10.10.10.13)"
  value       = aws_instance.node_3.public_ip
}

output "ssh" {
  description = "Log in to the meta node"
  value       = "ssh admin@${aws_instance.meta.public_ip}"
}
