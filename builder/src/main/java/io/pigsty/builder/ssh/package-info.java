/**
 * Reaching the other nodes of an inventory over SSH (sshj): the admin key ({@link
 * io.pigsty.builder.ssh.AdminKey}), host keys pinned on first contact in a known_hosts file under
 * the Pigsty home ({@link io.pigsty.builder.ssh.PinnedHostKeys}), and a connected node ({@link
 * io.pigsty.builder.ssh.SshNode}) that runs commands through the same {@link
 * io.pigsty.builder.exec.CommandRunner} interface as this node and uploads files by SFTP. No
 * console I/O; errors are {@link io.pigsty.builder.ssh.SshException} naming the host.
 */
package io.pigsty.builder.ssh;
