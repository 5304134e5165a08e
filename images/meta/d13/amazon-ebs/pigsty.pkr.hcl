# Pigsty appliance image (AMI) for Debian 13 (trixie), built on AWS with amazon-ebs.
# Rendered by `pigsty image packer --spec meta --os d13 --provider amazon-ebs` from spec/meta.yml (build VM size), spec/os.yml;
# edit the spec or the template and render again rather than editing this file.
#
#   packer build -var source_ami=ami-<id> .
#
# The base AMI is pinned by id (an AMI is immutable, so its id is its checksum) and has no
# default: pick the current one owned by 136693071363 named debian-13-amd64-*, e.g.
#   aws ec2 describe-images --owners 136693071363 --filters 'Name=name,Values=debian-13-amd64-*'
# The release and the offline bundle are copied in, then ./configure -n -g (random passwords,
# printed once in the build log) and make install run, so the packages are installed from the
# bundle's local repository and nothing else.

# Packer 1.6.6 (Debian 12) reads this; it predates required_plugins, and the qemu and
# amazon-ebs builders are built into it
packer {
  required_version = ">= 1.6.6"
}

variable "source_ami" {
  type        = string
  description = "Id of the base AMI (owner 136693071363, name debian-13-amd64-*) (required)"
}

variable "region" {
  type        = string
  description = "AWS region to build in"
  default     = "us-east-1"
}

variable "dist" {
  type        = string
  description = "Directory holding the release and the bundle; empty means ../../../../dist beside this file"
  default     = ""
}

variable "version" {
  type        = string
  description = "Pigsty version of the release and the bundle"
  default     = "4.0.0"
}

locals {
  dist      = var.dist != "" ? var.dist : "${path.root}/../../../../dist"
  release   = "${local.dist}/pigsty-${var.version}.tgz"
  bundle    = "${local.dist}/pigsty-pkg-${var.version}.d13.amd64.tgz"
  timestamp = regex_replace(timestamp(), "[- TZ:]", "")
}

source "amazon-ebs" "pigsty" {
  region        = var.region
  source_ami    = var.source_ami
  instance_type = "t2.medium"
  ssh_username  = "admin"
  ami_name      = "pigsty-${var.version}-d13-${local.timestamp}"

  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = 40
    volume_type           = "gp2"
    delete_on_termination = true
  }

  tags = {
    Name    = "pigsty-${var.version}-d13"
    Version = var.version
  }
}

build {
  sources = ["source.amazon-ebs.pigsty"]

  provisioner "file" {
    source      = local.release
    destination = "/tmp/pigsty.tgz"
  }

  provisioner "file" {
    source      = local.bundle
    destination = "/tmp/pkg.tgz"
  }

  provisioner "shell" {
    # configure refuses a bundle another user owns (the upload's): it is given a root copy
    execute_command = "sudo sh -eu '{{ .Path }}'"
    inline = [
      "rm -rf /root/pigsty",
      "tar -xzf /tmp/pigsty.tgz -C /root",
      "install -m 0600 /tmp/pkg.tgz /root/pkg.tgz",
      "cd /root/pigsty && ./configure -n -g -p /root/pkg.tgz && make install",
      "rm -f /tmp/pigsty.tgz /tmp/pkg.tgz /root/pkg.tgz",
    ]
  }
}
