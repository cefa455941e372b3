package dev.bazaar.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the repository under test. */
final class Repo {
  private Repo() {}

  static Path root() {
    String configured = System.getProperty("bazaar.repo.root");
    Path root =
        configured != null && !configured.isBlank()
            ? Path.of(configured)
            : Path.of("").toAbsolutePath().getParent().getParent();
    if (!Files.isDirectory(root.resolve("deploy/k8s"))) {
      throw new IllegalStateException(root + " has no deploy/k8s: set -Dbazaar.repo.root");
    }
    return root;
  }

  static Path k8s() {
    return root().resolve("deploy/k8s");
  }
}
