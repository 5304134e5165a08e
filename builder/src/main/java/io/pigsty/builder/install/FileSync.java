package io.pigsty.builder.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Arrays;

/** Writes a file only when its content, mode or owner differ: the unit of install's idempotence. */
public final class FileSync {

    private FileSync() {
    }

    /**
     * Makes {@code file} hold exactly {@code text} with the given mode and owner, writing
     * through a temporary file in the same directory renamed into place.
     *
     * @param file  target path; its parent directories are created when missing
     * @param text  content (UTF-8)
     * @param mode  permissions such as {@code rw-r-----}
     * @param owner user name, or null to leave the owner as created (the running user)
     * @param group group name, or null likewise
     * @return true when anything was changed, false when the file already was so
     * @throws InstallException when the file cannot be written or the owner does not exist (file named)
     */
    public static boolean write(Path file, String text, String mode, String owner, String group)
            throws InstallException {
        byte[] want = text.getBytes(StandardCharsets.UTF_8);
        try {
            boolean same = Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), want);
            if (same && attributesMatch(file, mode, owner, group)) {
                return false;
            }
            Files.createDirectories(file.getParent());
            if (!same) {
                Path tmp = file.resolveSibling("." + file.getFileName() + ".pigsty-tmp");
                Files.write(tmp, want);
                setAttributes(tmp, mode, owner, group);
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } else {
                setAttributes(file, mode, owner, group);
            }
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            throw new InstallException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean attributesMatch(Path file, String mode, String owner, String group) throws IOException {
        PosixFileAttributeView v = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        var a = v.readAttributes();
        return PosixFilePermissions.toString(a.permissions()).equals(mode)
                && (owner == null || a.owner().getName().equals(owner))
                && (group == null || a.group().getName().equals(group));
    }

    private static void setAttributes(Path file, String mode, String owner, String group) throws IOException {
        PosixFileAttributeView v = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        UserPrincipalLookupService lookup = file.getFileSystem().getUserPrincipalLookupService();
        if (owner != null) {
            v.setOwner(lookup.lookupPrincipalByName(owner));
        }
        if (group != null) {
            GroupPrincipal g = lookup.lookupPrincipalByGroupName(group);
            v.setGroup(g);
        }
        v.setPermissions(PosixFilePermissions.fromString(mode));
    }
}
