package dev.bazaar.launcher.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code tail -n} and {@code tail -f} for service logs. */
public final class LogTail {
  private static final int CHUNK = 8192;

  private LogTail() {}

  /** The last {@code n} lines, read backwards from the end so big logs stay cheap. */
  public static List<String> lastLines(Path file, int n) throws IOException {
    if (n <= 0 || !Files.exists(file)) {
      return List.of();
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long end = raf.length();
      long pos = end;
      int newlines = 0;
      byte[] buf = new byte[CHUNK];
      long start = 0;
      boolean skippedFinalNewline = false;
      outer:
      while (pos > 0) {
        int len = (int) Math.min(CHUNK, pos);
        pos -= len;
        raf.seek(pos);
        raf.readFully(buf, 0, len);
        for (int i = len - 1; i >= 0; i--) {
          if (buf[i] == '\n') {
            if (!skippedFinalNewline && pos + i == end - 1) {
              skippedFinalNewline = true;
              continue;
            }
            newlines++;
            if (newlines == n) {
              start = pos + i + 1;
              break outer;
            }
          }
        }
      }
      raf.seek(start);
      byte[] tail = new byte[(int) (end - start)];
      raf.readFully(tail);
      String text = new String(tail, StandardCharsets.UTF_8);
      if (text.endsWith("\n")) {
        text = text.substring(0, text.length() - 1);
      }
      return text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
    }
  }

  /** Prints what gets appended to {@code file} until interrupted; survives truncation. */
  public static void follow(Path file, long from, PrintStream out) throws IOException {
    long pos = from;
    byte[] buf = new byte[CHUNK];
    while (!Thread.currentThread().isInterrupted()) {
      if (Files.exists(file)) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
          long len = raf.length();
          if (len < pos) {
            pos = 0;
          }
          raf.seek(pos);
          int read;
          while ((read = raf.read(buf)) > 0) {
            out.write(buf, 0, read);
            pos += read;
          }
          out.flush();
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
