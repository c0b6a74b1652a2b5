package dev.soci.examples.cli;

import dev.soci.ztoc.TocEntry;
import dev.soci.ztoc.ZtocView;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code soci ztoc list}: the entries of a zTOC, one per line, like {@code tar -tv}. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List a zTOC's entries like tar -tv: mode, owner/group, size, mtime, name (-> link).")
final class ZtocListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ZtocOptions ztocOptions;

  @Parameters(paramLabel = "ZTOC", description = "The zTOC file.")
  Path ztoc;

  @Override
  public Integer call() throws Exception {
    ZtocView view = ztocOptions.open(spec, ztoc);
    // One line at a time, straight to the output: nothing per entry is kept.
    PrintWriter out = spec.commandLine().getOut();
    StringBuilder line = new StringBuilder(160);
    for (int i = 0; i < view.entryCount(); i++) {
      line.setLength(0);
      format(view.entry(i), line);
      out.println(line);
    }
    out.flush();
    return 0;
  }

  static void format(TocEntry e, StringBuilder sb) {
    sb.append(typeChar(e)).append(permissions(e.mode())).append(' ');
    String owner = (e.uname().isEmpty() ? Long.toString(e.uid()) : e.uname()) + "/"
        + (e.gname().isEmpty() ? Long.toString(e.gid()) : e.gname());
    sb.append(owner).append(' ');
    String size = switch (e.type()) {
      case CHAR, BLOCK -> e.devmajor() + "," + e.devminor();
      default -> Long.toString(e.uncompressedSize());
    };
    sb.append(" ".repeat(Math.max(1, 10 - size.length()))).append(size).append(' ');
    String t = e.modTime();
    // "2024-05-06T07:08:09.123Z" -> "2024-05-06 07:08:09", as tar prints it.
    sb.append(t.length() >= 19 ? t.substring(0, 10) + " " + t.substring(11, 19) : t).append(' ');
    sb.append(e.name());
    switch (e.type()) {
      case SYMLINK -> sb.append(" -> ").append(e.linkname());
      case HARDLINK -> sb.append(" link to ").append(e.linkname());
      default -> { }
    }
  }

  private static char typeChar(TocEntry e) {
    return switch (e.type()) {
      case DIR -> 'd';
      case SYMLINK -> 'l';
      case HARDLINK -> 'h';
      case CHAR -> 'c';
      case BLOCK -> 'b';
      case FIFO -> 'p';
      case REG -> '-';
    };
  }

  private static String permissions(long mode) {
    char[] p = "rwxrwxrwx".toCharArray();
    for (int i = 0; i < 9; i++) {
      if ((mode & (1L << (8 - i))) == 0) {
        p[i] = '-';
      }
    }
    if ((mode & 04000) != 0) {
      p[2] = p[2] == 'x' ? 's' : 'S';
    }
    if ((mode & 02000) != 0) {
      p[5] = p[5] == 'x' ? 's' : 'S';
    }
    if ((mode & 01000) != 0) {
      p[8] = p[8] == 'x' ? 't' : 'T';
    }
    return new String(p);
  }
}
