/**
 * Downloads: parallel HTTP with size and SHA256 checks into the content-addressed cache, and the
 * build host's apt and yum sources.
 */
package io.pigsty.builder.fetch;
