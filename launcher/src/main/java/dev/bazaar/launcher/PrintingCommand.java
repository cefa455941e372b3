package dev.bazaar.launcher;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that writes to the command line's own out and err (so tests can capture them) and
 * flushes both when it ends, whatever it returns.
 */
abstract class PrintingCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return run(out, err);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The command; returns its exit code. */
  abstract int run(PrintWriter out, PrintWriter err);
}
