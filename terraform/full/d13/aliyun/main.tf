# Pigsty cloud demo "full" (meta plus node-1..3, 10.10.10.10-13) on Aliyun (Alibaba Cloud), Debian 13 (trixie).
# Rendered by `pigsty image terraform --spec full --os d13 --provider aliyun` from spec/full.yml;
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
    alicloud = {
      source  = "aliyun/alicloud"
      version = ">= 1.200.0"
    }
  }
}

variable "region" {
  type        = string
  description = "Aliyun region"
  default     = "cn-beijing"
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
  description = "OpenSSH public key installed for the login user root (required)"
}

provider "alicloud" {
  region = var.region
}

data "alicloud_zones" "available" {
  available_instance_type = "ecs.s6-c1m2.large"
  available_disk_category = "cloud_essd"
}

data "alicloud_images" "base" {
  name_regex  = "^debian_13_"
  owners      = "system"
  most_recent = true
}

resource "alicloud_vpc" "pigsty" {
  vpc_name   = "pigsty-full"
  cidr_block = "10.10.10.0/24"
}

resource "alicloud_vswitch" "pigsty" {
  vswitch_name = "pigsty-full"
  vpc_id       = alicloud_vpc.pigsty.id
  cidr_block   = "10.10.10.0/24"
  zone_id      = data.alicloud_zones.available.zones[0].id
}

resource "alicloud_security_group" "pigsty" {
  name        = "pigsty-full"
  description = "Pigsty: SSH, HTTP and PostgreSQL from allowed_cidr; all between the nodes"
  vpc_id      = alicloud_vpc.pigsty.id
}

resource "alicloud_security_group_rule" "ssh" {
  description       = "SSH"
  type              = "ingress"
  ip_protocol       = "tcp"
  port_range        = "22/22"
  cidr_ip           = var.allowed_cidr
  security_group_id = alicloud_security_group.pigsty.id
}

resource "alicloud_security_group_rule" "http" {
  description       = "HTTP (nginx portal)"
  type              = "ingress"
  ip_protocol       = "tcp"
  port_range        = "80/80"
  cidr_ip           = var.allowed_cidr
  security_group_id = alicloud_security_group.pigsty.id
}

resource "alicloud_security_group_rule" "postgres" {
  description       = "PostgreSQL"
  type              = "ingress"
  ip_protocol       = "tcp"
  port_range        = "5432/5432"
  cidr_ip           = var.allowed_cidr
  security_group_id = alicloud_security_group.pigsty.id
}

resource "alicloud_security_group_rule" "nodes" {
  description       = "between the nodes of 10.10.10.0/24"
  type              = "ingress"
  ip_protocol       = "all"
  port_range        = "-1/-1"
  cidr_ip           = "10.10.10.0/24"
  security_group_id = alicloud_security_group.pigsty.id
}

resource "alicloud_ecs_key_pair" "pigsty" {
  key_pair_name = "pigsty-full"
  public_key    = var.ssh_public_key
}

resource "alicloud_instance" "meta" {
  instance_name              = "pigsty-full-meta"
  host_name                  = "meta"
  image_id                   = data.alicloud_images.base.images[0].id
  instance_type              = "ecs.s6-c1m2.large"
  vswitch_id                 = alicloud_vswitch.pigsty.id
  private_ip                 = "10.10.10.10"
  security_groups            = [alicloud_security_group.pigsty.id]
  key_name                   = alicloud_ecs_key_pair.pigsty.key_pair_name
  internet_max_bandwidth_out = 10
  system_disk_category       = "cloud_essd"
  system_disk_size           = 40
}

resource "alicloud_instance" "node_1" {
  instance_name              = "pigsty-full-node-1"
  host_name                  = "node-1"
  image_id                   = data.alicloud_images.base.images[0].id
  instance_type              = "ecs.s6-c1m2.small"
  vswitch_id                 = alicloud_vswitch.pigsty.id
  private_ip                 = "10.10.10.11"
  security_groups            = [alicloud_security_group.pigsty.id]
  key_name                   = alicloud_ecs_key_pair.pigsty.key_pair_name
  internet_max_bandwidth_out = 10
  system_disk_category       = "cloud_essd"
  system_disk_size           = 20
}

resource "alicloud_instance" "node_2" {
  instance_name              = "pigsty-full-node-2"
  host_name                  = "node-2"
  image_id                   = data.alicloud_images.base.images[0].id
  instance_type              = "ecs.s6-c1m2.small"
  vswitch_id                 = alicloud_vswitch.pigsty.id
  private_ip                 = "10.10.10.12"
  security_groups            = [alicloud_security_group.pigsty.id]
  key_name                   = alicloud_ecs_key_pair.pigsty.key_pair_name
  internet_max_bandwidth_out = 10
  system_disk_category       = "cloud_essd"
  system_disk_size           = 20
}

resource "alicloud_instance" "node_3" {
  instance_name              = "pigsty-full-node-3"
  host_name                  = "node-3"
  image_id                   = data.alicloud_images.base.images[0].id
  instance_type              = "ecs.s6-c1m2.small"
  vswitch_id                 = alicloud_vswitch.pigsty.id
  private_ip                 = "10.10.10.13"
  security_groups            = [alicloud_security_group.pigsty.id]
  key_name                   = alicloud_ecs_key_pair.pigsty.key_pair_name
  internet_max_bandwidth_out = 10
  system_disk_category       = "cloud_essd"
  system_disk_size           = 20
}

output "meta_public_ip" {
  description = "Public IP of meta (10.10.10.10)"
  value       = alicloud_instance.meta.public_ip
}

output "node_1_public_ip" {
  description = "Public IP of node-1 (10.10.10.11)"
  value       = alicloud_instance.node_1.public_ip
}

output "node_2_public_ip" {
  description = "Public IP of node-2 (10.10.10.12)"
  value       = alicloud_instance.node_2.public_ip
}

output "node_3_public_ip" {
  description = "Public IP of node-3 (10.10.10.13)"
  value       = alicloud_instance.node_3.public_ip
}

output "ssh" {
  description = "Log in to the meta node"
  value       = "ssh root@${alicloud_instance.meta.public_ip}"
}
