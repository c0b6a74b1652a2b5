package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Errors no input should cause (out of memory, stack overflow, a bug's RuntimeException) still
 * end in the one-line form through the real entry point; {@code --debug} adds the trace.
 */
class UnexpectedErrorsTest {

  /** Fails in the way its argument names, for real (no fake Throwable is thrown). */
  @Command(name = "fail")
  static final class Fail implements Callable<Integer> {
    @Parameters(index = "0") String kind;

    @Override
    public Integer call() {
      switch (kind) {
        case "oom" -> {
          // A real OutOfMemoryError whatever the heap: more than any array may hold.
          long[][] hog = new long[1][];
          hog[0] = new long[Integer.MAX_VALUE];
          return hog.length;
        }
        case "stack" -> {
          return recurse(0);
        }
        case "npe" -> {
          String s = System.getProperty("soci.no.such.property");
          return s.length();
        }
        default -> throw new IllegalArgumentException(kind);
      }
    }

    private static int recurse(int depth) {
      return recurse(depth + 1) + 1;
    }
  }

  private record Result(int exit, List<String> errLines) {}

  private static Result run(String... args) {
    StringWriter err = new StringWriter();
    int exit = SociCli.run(args, new PrintWriter(new StringWriter(), true),
        new PrintWriter(err, true), new Fail());
    return new Result(exit, err.toString().isEmpty() ? List.of()
        : List.of(err.toString().split("\n")));
  }

  @Test
  void outOfMemoryIsOneLineWithAHint() {
    Result r = run("fail", "oom");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.errLines()).singleElement().asString()
        .startsWith("soci: error: out of memory").contains("-Xmx");
  }

  @Test
  void stackOverflowIsOneLine() {
    Result r = run("fail", "stack");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.errLines()).singleElement().asString()
        .startsWith("soci: error: stack overflow").contains("-Xss");
  }

  @Test
  void unexpectedRuntimeExceptionIsOneLine() {
    Result r = run("fail", "npe");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.errLines()).singleElement().asString()
        .startsWith("soci: error: internal error: NullPointerException");
  }

  @Test
  void debugStillPrintsTheTrace() {
    Result r = run("--debug", "fail", "oom");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.errLines().get(0)).startsWith("soci: error: out of memory");
    assertThat(r.errLines()).anyMatch(l -> l.startsWith("java.lang.OutOfMemoryError"))
        .anyMatch(l -> l.contains("at dev.soci.examples.cli.UnexpectedErrorsTest$Fail.call"));
  }
}
