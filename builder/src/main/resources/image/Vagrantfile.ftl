# -*- mode: ruby -*-
# Pigsty sandbox "[=spec.name]" ([=spec.description]) on [=os.title], provider [=provider].
# Rendered by `[=command]` from [=specFile];
# edit the spec or the template and render again rather than editing this file.
#
#   vagrant up --provider=[=provider]       # boots [=spec.nodes?size?c] node(s) on [=spec.network]
#
# The meta node gets the release and the offline bundle (as from a USB stick), then runs
# ./configure -n -g (random passwords, printed once in the log) and make install. Override the
# files with PIGSTY_RELEASE / PIGSTY_BUNDLE, or their directory with PIGSTY_DIST (default: the
# project's dist/).
[#if provider == "virtualbox"]
#
# VirtualBox 6.1.28 and later allow host-only networks in 192.168.56.0/21 only: add the line
# "* [=spec.network]" to /etc/vbox/networks.conf first.
[/#if]

PIGSTY_VERSION = ENV.fetch("PIGSTY_VERSION", "[=version]")
PIGSTY_DIST    = ENV.fetch("PIGSTY_DIST", File.expand_path("[=dist]", __dir__))
PIGSTY_RELEASE = ENV.fetch("PIGSTY_RELEASE", File.join(PIGSTY_DIST, "pigsty-#{PIGSTY_VERSION}.tgz"))
PIGSTY_BUNDLE  = ENV.fetch("PIGSTY_BUNDLE", File.join(PIGSTY_DIST, "pigsty-pkg-#{PIGSTY_VERSION}.[=os.code].[=os.arch].tgz"))

NODES = [
[#list spec.nodes as n]
  { name: "[=n.name]", ip: "[=n.ip]", cpus: [=n.cpu?c], memory: [=n.memory_mb?c], disk_gb: [=n.disk_gb?c], meta: [=n.meta?c] },
[/#list]
].freeze

Vagrant.configure("2") do |config|
  config.vm.box = "[=os.vagrant_box]"
  config.vm.box_check_update = false
  config.ssh.username = "[=os.vagrant_user]"
  config.vm.synced_folder ".", "/vagrant", disabled: true

  NODES.each do |n|
    config.vm.define n[:name], primary: n[:meta] do |node|
      node.vm.hostname = n[:name]
      node.vm.network "private_network", ip: n[:ip], netmask: "[=netmask]"
[#if provider == "libvirt"]
      node.vm.provider "libvirt" do |v|
        v.cpus = n[:cpus]
        v.memory = n[:memory]
        v.machine_virtual_size = n[:disk_gb]
        v.graphics_type = "none"
      end
[#else]
      node.vm.provider "virtualbox" do |v|
        v.name = "pigsty-[=spec.name]-#{n[:name]}"
        v.cpus = n[:cpus]
        v.memory = n[:memory]
        v.linked_clone = true
      end
[/#if]
      next unless n[:meta]

      # the release and the bundle, copied in as from a USB stick (by the vagrant user:
      # configure refuses a bundle another user owns, so it is given a root copy)
      node.vm.provision "release", type: "file", source: PIGSTY_RELEASE, destination: "/tmp/pigsty.tgz"
      node.vm.provision "bundle", type: "file", source: PIGSTY_BUNDLE, destination: "/tmp/pkg.tgz"
      node.vm.provision "install", type: "shell", privileged: true, inline: <<~SHELL
        set -eu
        rm -rf /root/pigsty
        tar -xzf /tmp/pigsty.tgz -C /root
        cd /root/pigsty
        install -m 0600 /tmp/pkg.tgz /root/pkg.tgz
        ./configure -n -g -i #{n[:ip]} -p /root/pkg.tgz
        make install
      SHELL
    end
  end
end
