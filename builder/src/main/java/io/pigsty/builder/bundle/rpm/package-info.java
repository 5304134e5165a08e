/**
 * The EL bundle builder: repomd-checked upstream repositories, the closure, package signatures, and
 * a signed dnf repository.
 */
package io.pigsty.builder.bundle.rpm;
