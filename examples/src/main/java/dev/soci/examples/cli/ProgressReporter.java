package dev.soci.examples.cli;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.store.TransferProgress;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Progress of long work on standard error, only when it is a terminal (and not {@code -q}): a
 * status line rewritten in place while blobs are read (how many, bytes so far, rate), and one
 * line per finished blob (what was done, its size, time and rate). Scripts, which read a pipe,
 * see nothing of it.
 */
final class ProgressReporter implements TransferProgress {
  private static final long REDRAW_NANOS = 200_000_000L;

  private final PrintWriter err;
  private final LongSupplier nanos;
  private final Map<Digest, Blob> active = new LinkedHashMap<>();
  private long lastDraw;
  private boolean drawn;
  private Activity lastActivity = Activity.INDEX;
  private int drawnWidth;

  private static final class Blob {
    final long start;
    final long size;
    long bytes;

    Blob(long start, long size) {
      this.start = start;
      this.size = size;
    }
  }

  ProgressReporter(PrintWriter err, LongSupplier nanos) {
    this.err = err;
    this.nanos = nanos;
  }

  /** The reporter a command uses: none unless stderr is a terminal and not {@code quiet}. */
  static TransferProgress forTerminal(PrintWriter err, boolean quiet) {
    return quiet || !stderrIsTerminal() ? TransferProgress.NONE
        : new ProgressReporter(err, System::nanoTime);
  }

  /**
   * A log for the command's notes that keeps the status line intact: with a reporter, the
   * line is wiped, the note printed, the line drawn again; without one, just the note.
   */
  static java.util.function.Consumer<String> log(PrintWriter err, TransferProgress progress) {
    if (progress instanceof ProgressReporter r) {
      return r::note;
    }
    return msg -> {
      err.println("soci: " + msg);
      err.flush();
    };
  }

  /** Prints a note above the status line. */
  synchronized void note(String msg) {
    clear();
    err.println("soci: " + msg);
    if (drawn && !active.isEmpty()) {
      draw(lastActivity, nanos.getAsLong());
    }
    err.flush();
  }

  /**
   * Whether standard error is a terminal. {@code System.console()} answers for standard input
   * and output, not error ({@code soci create ... 2>log} at a terminal must not write status
   * lines into the log; {@code soci convert ... >out} should still show them), so on Linux ask
   * where file descriptor 2 leads.
   */
  static boolean stderrIsTerminal() {
    try {
      String target = java.nio.file.Files.readSymbolicLink(
          java.nio.file.Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null; // no /proc: the closest the JDK offers
    }
  }

  @Override
  public synchronized void update(Activity activity, Descriptor blob, long bytes,
      boolean finished) {
    long now = nanos.getAsLong();
    lastActivity = activity;
    Blob b = active.computeIfAbsent(blob.digest(), d -> new Blob(now, blob.size()));
    b.bytes = bytes;
    if (finished) {
      active.remove(blob.digest());
      clear();
      double secs = Math.max(1e-9, (now - b.start) / 1e9);
      err.println(String.format(Locale.ROOT, "soci: %s %s %s in %.1f s (%s/s)",
          activity == Activity.INDEX ? "indexed" : "copied", shortDigest(blob.digest()),
          size(bytes), secs, size((long) (bytes / secs))));
      draw(activity, now);
      err.flush();
    } else if (!drawn || now - lastDraw >= REDRAW_NANOS) {
      draw(activity, now);
      err.flush();
    }
  }

  private void draw(Activity activity, long now) {
    lastDraw = now;
    drawn = true;
    if (active.isEmpty()) {
      return;
    }
    long done = 0;
    long total = 0;
    long first = Long.MAX_VALUE;
    for (Blob b : active.values()) {
      done += b.bytes;
      total += b.size;
      first = Math.min(first, b.start);
    }
    double secs = Math.max(1e-9, (now - first) / 1e9);
    String line = String.format(Locale.ROOT, "%s %d blob%s: %s of %s, %s/s",
        activity == Activity.INDEX ? "indexing" : "copying", active.size(),
        active.size() == 1 ? "" : "s", size(done), size(total), size((long) (done / secs)));
    clear();
    err.print("\r" + line);
    drawnWidth = line.length();
  }

  private void clear() {
    if (drawnWidth > 0) {
      err.print("\r" + " ".repeat(drawnWidth) + "\r");
      drawnWidth = 0;
    }
  }

  static String shortDigest(Digest d) {
    String s = d.toString();
    int colon = s.indexOf(':');
    return s.substring(0, Math.min(s.length(), colon + 13));
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
