# Pigsty appliance image (qcow2) for Debian 13 (trixie), built locally with QEMU/KVM.
# Rendered by `pigsty image packer --spec meta --os d13 --provider qemu` from spec/meta.yml (build VM size), spec/os.yml;
# edit the spec or the template and render again rather than editing this file.
#
#   packer build -var base_image_url=/path/to/debian-13-genericcloud-amd64.qcow2 \
#                -var base_image_checksum=sha256:<hex of that file> .
#
# Starts from the distribution's cloud image (pinned by its checksum, which has no default),
# copies the release and the offline bundle in, runs ./configure -n -g (random passwords, printed
# once in the build log) and make install, so the packages are installed from the bundle's local
# repository and nothing else.

# Packer 1.6.6 (Debian 12) reads this; it predates required_plugins, and the qemu and
# amazon-ebs builders are built into it
packer {
  required_version = ">= 1.6.6"
}

variable "base_image_url" {
  type        = string
  description = "Path or URL of the base cloud image debian-13-genericcloud-amd64.qcow2 (required)"
}

variable "base_image_checksum" {
  type        = string
  description = "Checksum of the base image as type:hex, e.g. sha256:<64 hex digits> (required)"
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
  dist    = var.dist != "" ? var.dist : "${path.root}/../../../../dist"
  release = "${local.dist}/pigsty-${var.version}.tgz"
  bundle  = "${local.dist}/pigsty-pkg-${var.version}.d13.amd64.tgz"
}

source "qemu" "pigsty" {
  iso_url          = var.base_image_url
  iso_checksum     = var.base_image_checksum
  disk_image       = true
  format           = "qcow2"
  disk_size        = "40G"
  cpus             = 2
  memory           = 4096
  accelerator      = "kvm"
  headless         = true
  http_directory   = "${path.root}/http"
  qemuargs         = [["-smbios", "type=1,serial=ds=nocloud-net;s=http://{{ .HTTPIP }}:{{ .HTTPPort }}/"]]
  ssh_username     = "debian"
  ssh_password     = "pigsty-build"
  ssh_timeout      = "20m"
  shutdown_command = "sudo shutdown -P now"
  output_directory = "output-pigsty-${var.version}-d13"
  vm_name          = "pigsty-${var.version}-d13.qcow2"
}

build {
  sources = ["source.qemu.pigsty"]

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
      "passwd -l debian",
      "cloud-init clean --logs || true",
      "truncate -s 0 /etc/machine-id",
    ]
  }
}
