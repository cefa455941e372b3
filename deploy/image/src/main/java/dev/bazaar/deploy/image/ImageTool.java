package dev.bazaar.deploy.image;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Command line of the image builder, run by {@code exec-maven-plugin} in the {@code images} profile
 * (see the root pom):
 *
 * <pre>
 * base --out=T --name=N --modules=M --work=D [--jdk=J]
 * app  --base=T --base-name=N --jre-modules=M [--jdk=J] --app-dir=D --out=T --name=N --title=S
 *      --port=P --version=V --work=D [--jvm-options="..."] [--aot-cache=F] [--revision=R]
 *      [--source=U] [--repo=DIR]
 * </pre>
 *
 * {@code app} first builds the base tarball when it is missing or was made from other inputs (JDK
 * build, modules, glibc), so one service can be built alone with {@code -pl}.
 *
 * <p>Errors are thrown, never {@code System.exit}: the tool runs inside the Maven JVM.
 */
public final class ImageTool {
  private ImageTool() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: ImageTool base|app --key=value ...");
    }
    Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
    switch (args[0]) {
      case "base" ->
          BaseImage.build(
              new BaseImage.Spec(
                  Path.of(required(options, "out")),
                  required(options, "name"),
                  split(required(options, "modules"), ","),
                  Path.of(options.getOrDefault("jdk", System.getProperty("java.home"))),
                  Path.of(required(options, "work"))));
      case "app" -> {
        BaseImage.ensure(
            new BaseImage.Spec(
                Path.of(required(options, "base")),
                required(options, "base-name"),
                split(required(options, "jre-modules"), ","),
                Path.of(options.getOrDefault("jdk", System.getProperty("java.home"))),
                Path.of(required(options, "base")).resolveSibling("base-image")));
        Path repo = Path.of(options.getOrDefault("repo", "."));
        Provenance provenance =
            Provenance.of(
                repo,
                Optional.ofNullable(blankToNull(options.get("revision"))),
                Optional.ofNullable(blankToNull(options.get("source"))));
        AppImage.build(
            new AppImage.Spec(
                Path.of(required(options, "base")),
                Path.of(required(options, "app-dir")),
                Path.of(required(options, "out")),
                required(options, "name"),
                required(options, "title"),
                Integer.parseInt(required(options, "port")),
                split(options.getOrDefault("jvm-options", ""), " "),
                Optional.ofNullable(blankToNull(options.get("aot-cache"))).map(Path::of),
                AppImage.labels(
                    required(options, "title"), required(options, "version"), provenance),
                Path.of(required(options, "work"))));
      }
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("expected --key=value, but was " + arg);
      }
      options.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    return options;
  }

  static List<String> split(String value, String separator) {
    return Arrays.stream(value.trim().split(separator + "+"))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private static String required(Map<String, String> options, String key) {
    String value = options.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return value;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
