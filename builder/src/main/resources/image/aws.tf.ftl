# Pigsty cloud demo "[=spec.name]" ([=spec.description]) on AWS, [=os.title].
# Rendered by `[=command]` from [=specFile];
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
  default     = "[=cloud.region]"
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
  description = "OpenSSH public key installed for the login user [=os.aws_user] (required)"
}

provider "aws" {
  region = var.region
}

data "aws_availability_zones" "available" {
  state = "available"
}

data "aws_ami" "base" {
  most_recent = true
  owners      = ["[=os.ami_owner]"]

  filter {
    name   = "name"
    values = ["[=os.ami_name]"]
  }

  filter {
    name   = "architecture"
    values = ["x86_64"]
  }
}

resource "aws_vpc" "pigsty" {
  cidr_block           = "[=spec.network]"
  enable_dns_hostnames = true
  tags = {
    Name = "pigsty-[=spec.name]"
  }
}

resource "aws_subnet" "pigsty" {
  vpc_id                  = aws_vpc.pigsty.id
  cidr_block              = "[=spec.network]"
  availability_zone       = data.aws_availability_zones.available.names[0]
  map_public_ip_on_launch = true
  tags = {
    Name = "pigsty-[=spec.name]"
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
  name        = "pigsty-[=spec.name]"
  description = "Pigsty: SSH, HTTP and PostgreSQL from allowed_cidr; all between the nodes"
  vpc_id      = aws_vpc.pigsty.id

[#list ports as p]
  ingress {
    description = "[=p.name]"
    from_port   = [=p.port?c]
    to_port     = [=p.port?c]
    protocol    = "tcp"
    cidr_blocks = [var.allowed_cidr]
  }

[/#list]
  ingress {
    description = "between the nodes of [=spec.network]"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["[=spec.network]"]
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
  key_name   = "pigsty-[=spec.name]"
  public_key = var.ssh_public_key
}
[#list spec.nodes as n]

resource "aws_instance" "[=n.id]" {
  ami                    = data.aws_ami.base.id
  instance_type          = "[=n.instance_type]"
  subnet_id              = aws_subnet.pigsty.id
  private_ip             = "[=n.ip]"
  vpc_security_group_ids = [aws_security_group.pigsty.id]
  key_name               = aws_key_pair.pigsty.key_name

  root_block_device {
    volume_size = [=n.disk_gb?c]
    volume_type = "gp3"
  }

  tags = {
    Name = "pigsty-[=spec.name]-[=n.name]"
  }
}
[/#list]
[#list spec.nodes as n]

output "[=n.id]_public_ip" {
  description = "Public IP of [=n.name] ([=n.ip])"
  value       = aws_instance.[=n.id].public_ip
}
[/#list]

output "ssh" {
  description = "Log in to the meta node"
  value       = "ssh [=os.aws_user]@${aws_instance.[=spec.meta.id].public_ip}"
}
