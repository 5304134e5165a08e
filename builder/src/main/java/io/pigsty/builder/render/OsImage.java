package io.pigsty.builder.render;

import io.pigsty.builder.definition.BundleDefinition;

/**
 * A target OS as the renderers need it ({@code spec/os.yml}): base images per platform and the user
 * that logs in to each.
 *
 * @param code os code as in bundle names ({@code d12}, {@code el9})
 * @param title human name, e.g. {@code Debian 12 (bookworm)}
 * @param family {@code deb} or {@code rpm}
 * @param arch architecture in the family's spelling ({@code amd64}, {@code x86_64}), as in {@code
 *     pigsty-pkg-<version>.<os>.<arch>.tgz}
 * @param vagrantBox Vagrant box name, published for libvirt and virtualbox
 * @param vagrantUser login user of the box
 * @param amiOwner AWS account id owning the base AMIs (a string of digits)
 * @param amiName AMI name pattern ({@code *} wildcards) for the {@code aws_ami} filter
 * @param awsRootDevice device name of the AMI's root volume, e.g. {@code /dev/xvda}
 * @param awsUser login user of the AMI
 * @param aliyunImage name regex of the Aliyun system image
 * @param aliyunUser login user on Aliyun
 * @param qemuImage file name of the cloud qcow2 the Packer qemu build starts from (documentation)
 * @param qemuUser login user of that image (set up by the cloud-init seed)
 */
public record OsImage(
    String code,
    String title,
    String family,
    String arch,
    String vagrantBox,
    String vagrantUser,
    String amiOwner,
    String amiName,
    String awsRootDevice,
    String awsUser,
    String aliyunImage,
    String aliyunUser,
    String qemuImage,
    String qemuUser) {

  /**
   * @return the bundle file name for a product version, {@code
   *     pigsty-pkg-<version>.<os>.<arch>.tgz}
   */
  public String bundleName(String version) {
    return BundleDefinition.bundleFileName(version, code, arch);
  }
}
