package dev.soci.examples.cli;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code soci} command line: builds and reads zTOCs and SOCI indexes with the soci-java
 * library. Every subcommand is a thin layer over the public API, so each doubles as an example of
 * embedding the library.
 *
 * <p>Errors are one line on stderr and a non-zero exit (1 for bad input or I/O failure, 2 for a
 * usage error); {@code --debug} adds the stack trace. The subcommands are listed in {@link
 * CommandTree}.
 */
@Command(
    name = "soci",
    mixinStandardHelpOptions = true,
    versionProvider = SociCli.VersionProvider.class,
    description = "Seekable OCI: build and read zTOCs and SOCI indexes.")
public final class SociCli {

  @Option(names = "--debug", description = "Print stack traces on errors.", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  public static void main(String[] args) {
    // UTF-8 whatever the locale: `ztoc info` must print the reference's bytes, and Java 17 would
    // otherwise encode with the locale's charset (US-ASCII under LANG=C, so names became '?').
    // Standard output is buffered without autoflush (a million-line `ztoc list` would otherwise
    // flush per line); run() flushes it when it checks for write errors.
    PrintWriter out = new PrintWriter(new BufferedWriter(
        new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16), false);
    PrintWriter err = new PrintWriter(
        new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int exit = run(args, out, err);
    out.flush();
    System.exit(exit);
  }

  /** Runs the CLI with the given streams and returns the exit code (for tests and embedding). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, new Object[0]);
  }

  /**
   * {@link #run(String[], PrintWriter, PrintWriter)} with extra subcommands, so that tests can
   * drive the real entry point's error handling with failures no input can cause on purpose.
   */
  static int run(String[] args, PrintWriter out, PrintWriter err, Object... extraSubcommands) {
    boolean debug = java.util.Arrays.asList(args).contains("--debug");
    try {
      ZtocCreateFastPath.Parsed fast =
          extraSubcommands.length == 0 ? ZtocCreateFastPath.parse(args) : null;
      if (fast != null) {
        return executeFast(fast, out, err);
      }
      return execute(args, out, err, extraSubcommands);
    } catch (OutOfMemoryError | StackOverflowError | LinkageError e) {
      // picocli hands only Exceptions to the handler; these Errors unwind to here, where the
      // stack (and with it whatever filled the heap) is gone, so reporting them is safe.
      return reportError(e, debug, err);
    }
  }

  private static int execute(String[] args, PrintWriter out, PrintWriter err,
      Object... extraSubcommands) {
    SociCli root = new SociCli();
    // Only the commands the arguments name are built (see CommandTree); a test's extra
    // subcommands are unknown to the tree, so with them it is built whole.
    CommandLine cl = extraSubcommands.length == 0
        ? CommandTree.build(root, args)
        : CommandTree.buildWhole(root);
    for (Object sub : extraSubcommands) {
      cl.addSubcommand(sub);
    }
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) ->
            reportError(ex, parseResult.originalArgs().contains("--debug"), err));
    cl.setParameterExceptionHandler(
        (ex, args2) -> {
          err.println("soci: " + ex.getMessage());
          err.println("Try 'soci --help' for usage.");
          err.flush();
          return 2;
        });
    return checkOutput(cl.execute(args), out, err);
  }

  /**
   * Runs a {@code ztoc create} that {@link ZtocCreateFastPath} parsed, reporting failures and
   * lost output exactly as {@link #execute} does for a command picocli runs.
   */
  private static int executeFast(ZtocCreateFastPath.Parsed fast, PrintWriter out, PrintWriter err) {
    int exit;
    try {
      exit = fast.command().create(out);
    } catch (Exception e) {
      exit = reportError(e, fast.debug(), err);
    }
    return checkOutput(exit, out, err);
  }

  /**
   * {@code exit}, unless standard output lost what was written to it: PrintWriter swallows write
   * errors (a full disk, a closed pipe), and a command whose output was lost must not report
   * success.
   */
  private static int checkOutput(int exit, PrintWriter out, PrintWriter err) {
    if (out.checkError()) {
      err.println("soci: error: writing to standard output failed");
      err.flush();
      return exit == 0 ? 1 : exit;
    }
    return exit;
  }

  /** Prints the one-line form of a failure (and with {@code --debug} its trace); exit 1. */
  private static int reportError(Throwable ex, boolean debug, PrintWriter err) {
    err.println("soci: error: " + oneLine(ex));
    if (debug) {
      ex.printStackTrace(err);
    }
    err.flush();
    return 1;
  }

  /** A single line describing the failure: the message, or the type when there is none. */
  static String oneLine(Throwable ex) {
    if (ex instanceof OutOfMemoryError) {
      return "out of memory (" + ex.getMessage() + "); raise the heap with -Xmx (for ./soci:"
          + " SOCI_JAVA_OPTS=-Xmx4g), or rerun with --debug for the stack trace";
    }
    if (ex instanceof StackOverflowError) {
      return "stack overflow; raise the thread stack with -Xss (for ./soci:"
          + " SOCI_JAVA_OPTS=-Xss8m), or rerun with --debug for the stack trace";
    }
    if (ex instanceof java.io.UncheckedIOException u && u.getCause() != null) {
      return oneLine(u.getCause());
    }
    if (!(ex instanceof java.io.IOException)) {
      // Not bad input or a failing disk (those are IOExceptions, SociException included): a
      // bug, or an environment problem. Still one line, but say what it is.
      return "internal error: " + ex.getClass().getSimpleName()
          + (ex.getMessage() == null ? "" : ": " + ex.getMessage()).replace('\n', ' ')
              .replace('\r', ' ')
          + " (rerun with --debug for the stack trace)";
    }
    String msg = ex.getMessage();
    if (msg == null || msg.isBlank()) {
      msg = ex.getClass().getSimpleName();
    } else if (ex instanceof java.nio.file.NoSuchFileException) {
      msg = "no such file: " + msg;
    } else if (ex instanceof java.nio.file.AccessDeniedException) {
      msg = "permission denied: " + msg;
    } else if (ex instanceof java.nio.file.FileAlreadyExistsException) {
      msg = "already exists: " + msg;
    }
    return msg.replace('\n', ' ').replace('\r', ' ');
  }

  /** Supplies {@code --version} from the build. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"soci-java " + Version.get()};
    }
  }
}
