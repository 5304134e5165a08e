/** Image environment specs (spec/*.yml) rendered into Vagrant, Terraform and Packer files. */
package io.pigsty.builder.render;
