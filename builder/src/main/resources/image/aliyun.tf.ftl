# Pigsty cloud demo "[=spec.name]" ([=spec.description]) on Aliyun (Alibaba Cloud), [=os.title].
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
    alicloud = {
      source  = "aliyun/alicloud"
      version = ">= 1.200.0"
    }
  }
}

variable "region" {
  type        = string
  description = "Aliyun region"
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
  description = "OpenSSH public key installed for the login user [=os.aliyun_user] (required)"
}

provider "alicloud" {
  region = var.region
}

data "alicloud_zones" "available" {
  available_instance_type = "[=spec.meta.instance_type]"
  available_disk_category = "cloud_essd"
}

data "alicloud_images" "base" {
  name_regex  = "[=os.aliyun_image]"
  owners      = "system"
  most_recent = true
}

resource "alicloud_vpc" "pigsty" {
  vpc_name   = "pigsty-[=spec.name]"
  cidr_block = "[=spec.network]"
}

resource "alicloud_vswitch" "pigsty" {
  vswitch_name = "pigsty-[=spec.name]"
  vpc_id       = alicloud_vpc.pigsty.id
  cidr_block   = "[=spec.network]"
  zone_id      = data.alicloud_zones.available.zones[0].id
}

resource "alicloud_security_group" "pigsty" {
  name        = "pigsty-[=spec.name]"
  description = "Pigsty: SSH, HTTP and PostgreSQL from allowed_cidr; all between the nodes"
  vpc_id      = alicloud_vpc.pigsty.id
}
[#list ports as p]

resource "alicloud_security_group_rule" "[=p.id]" {
  description       = "[=p.name]"
  type              = "ingress"
  ip_protocol       = "tcp"
  port_range        = "[=p.port?c]/[=p.port?c]"
  cidr_ip           = var.allowed_cidr
  security_group_id = alicloud_security_group.pigsty.id
}
[/#list]

resource "alicloud_security_group_rule" "nodes" {
  description       = "between the nodes of [=spec.network]"
  type              = "ingress"
  ip_protocol       = "all"
  port_range        = "-1/-1"
  cidr_ip           = "[=spec.network]"
  security_group_id = alicloud_security_group.pigsty.id
}

resource "alicloud_ecs_key_pair" "pigsty" {
  key_pair_name = "pigsty-[=spec.name]"
  public_key    = var.ssh_public_key
}
[#list spec.nodes as n]

resource "alicloud_instance" "[=n.id]" {
  instance_name              = "pigsty-[=spec.name]-[=n.name]"
  host_name                  = "[=n.name]"
  image_id                   = data.alicloud_images.base.images[0].id
  instance_type              = "[=n.instance_type]"
  vswitch_id                 = alicloud_vswitch.pigsty.id
  private_ip                 = "[=n.ip]"
  security_groups            = [alicloud_security_group.pigsty.id]
  key_name                   = alicloud_ecs_key_pair.pigsty.key_pair_name
  internet_max_bandwidth_out = 10
  system_disk_category       = "cloud_essd"
  system_disk_size           = [=n.disk_gb?c]
}
[/#list]
[#list spec.nodes as n]

output "[=n.id]_public_ip" {
  description = "Public IP of [=n.name] ([=n.ip])"
  value       = alicloud_instance.[=n.id].public_ip
}
[/#list]

output "ssh" {
  description = "Log in to the meta node"
  value       = "ssh [=os.aliyun_user]@${alicloud_instance.[=spec.meta.id].public_ip}"
}
