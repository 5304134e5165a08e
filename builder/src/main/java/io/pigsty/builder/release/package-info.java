/** Release artifacts: SHA256SUMS and its signature, and our own .deb and .rpm packages. */
package io.pigsty.builder.release;
