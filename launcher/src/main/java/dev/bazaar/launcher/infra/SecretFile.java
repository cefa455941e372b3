package dev.bazaar.launcher.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files that hold secrets. Each is created with mode 600 by the same system call that
 * creates it (never written first and chmod-ed later), under a temporary name that is then renamed
 * over the target, so no reader ever sees it readable by others or half written.
 */
public final class SecretFile {
  public static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private SecretFile() {}

  /** Replaces {@code file} with {@code content} (UTF-8), mode 600 from its first byte. */
  public static void write(Path file, String content) throws IOException {
    write(file, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces {@code file} with {@code content}, mode 600 from its first byte. */
  public static void write(Path file, byte[] content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", ownerOnly());
    try {
      Files.write(tmp, content);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Makes an existing file mode 600 (a file an older launcher left with a wider mode). */
  public static void restrict(Path file) {
    if (!POSIX) {
      return;
    }
    try {
      if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
        Files.setPosixFilePermissions(file, OWNER_ONLY);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot restrict " + file + " to mode 600", e);
    }
  }

  /** Creates a directory only its owner can enter (mode 700), if it does not exist. */
  public static Path privateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return dir;
    }
    Files.createDirectories(dir.toAbsolutePath().getParent());
    return POSIX
        ? Files.createDirectory(
            dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
        : Files.createDirectory(dir);
  }

  /** The mode-600 attribute where the file system has POSIX modes; none elsewhere (Windows). */
  public static FileAttribute<?>[] ownerOnly() {
    return POSIX
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
  }
}
