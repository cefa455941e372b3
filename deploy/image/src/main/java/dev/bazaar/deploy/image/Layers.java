package dev.bazaar.deploy.image;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Layers of files owned by root, keeping each file's executable bits (bin/java must run). */
final class Layers {
  private Layers() {}

  /** Every file and directory under {@code source}, at {@code target}. */
  static FileEntriesLayer tree(String name, Path source, AbsoluteUnixPath target)
      throws IOException {
    return files(name, source, target, p -> true);
  }

  /**
   * The files under {@code root} whose relative path matches {@code include}, at the same relative
   * paths under {@code target}.
   */
  static FileEntriesLayer files(
      String name, Path root, AbsoluteUnixPath target, Predicate<String> include)
      throws IOException {
    FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName(name);
    // Only files: Jib adds their parent directories itself (root-owned, 755).
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.filter(Files::isRegularFile).sorted().toList()) {
        String relative = root.relativize(path).toString().replace('\\', '/');
        if (include.test(relative)) {
          layer.addEntry(
              new FileEntry(
                  path,
                  target.resolve(relative),
                  permissions(path),
                  FileEntriesLayer.DEFAULT_MODIFICATION_TIME,
                  "0:0"));
        }
      }
    }
    return layer.build();
  }

  /** 755 for executables, 644 for everything else: world-readable, root-owned. */
  static FilePermissions permissions(Path path) {
    try {
      Set<PosixFilePermission> posix = Files.getPosixFilePermissions(path);
      return FilePermissions.fromOctalString(
          posix.contains(PosixFilePermission.OWNER_EXECUTE) ? "755" : "644");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
