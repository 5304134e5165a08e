/** The pigsty command line: picocli commands, and the one place exceptions become exit codes. */
package io.pigsty.builder.cli;
