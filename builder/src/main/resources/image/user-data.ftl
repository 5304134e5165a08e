#cloud-config
# Build-time seed for the Packer qemu build of the Pigsty [=os.code] image: a password login
# for [=os.qemu_user] while Packer provisions; the last provisioner locks the password again.
ssh_pwauth: true
chpasswd:
  expire: false
  list: |
    [=os.qemu_user]:[=buildPassword]
