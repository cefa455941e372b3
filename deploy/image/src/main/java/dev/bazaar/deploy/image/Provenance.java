package dev.bazaar.deploy.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where an image's code came from: the git revision (with {@code -dirty} when the work tree has
 * uncommitted changes, so an image is never passed off as a commit it is not) and the source URL
 * (the {@code origin} remote, else the checkout's path).
 */
record Provenance(String revision, String source) {

  static Provenance of(Path repo, Optional<String> revision, Optional<String> source) {
    String rev =
        revision.orElseGet(
            () -> {
              String head = git(repo, "rev-parse", "HEAD").orElseThrow(() -> notGit(repo));
              boolean dirty =
                  git(repo, "status", "--porcelain", "--untracked-files=no")
                      .map(s -> !s.isEmpty())
                      .orElse(false);
              return dirty ? head + "-dirty" : head;
            });
    String src =
        source.orElseGet(
            () ->
                git(repo, "remote", "get-url", "origin")
                    .orElseGet(
                        () ->
                            "file://"
                                + git(repo, "rev-parse", "--show-toplevel")
                                    .orElseThrow(() -> notGit(repo))));
    return new Provenance(rev, src);
  }

  private static IllegalStateException notGit(Path repo) {
    return new IllegalStateException(
        repo.toAbsolutePath()
            + " is not a git checkout: pass -Dbazaar.image.revision and -Dbazaar.image.source");
  }

  /** The trimmed output of a git command, or empty when it fails. */
  static Optional<String> git(Path repo, String... args) {
    try {
      List<String> command = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
      command.addAll(List.of(args));
      Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.getErrorStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return Optional.empty();
      }
      return Optional.of(out.trim());
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
