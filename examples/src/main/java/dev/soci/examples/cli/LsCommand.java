package dev.soci.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci ls [-l] [-R] IMAGE [PATH]}: the paths of an image's merged root filesystem, read
 * from the zTOCs alone where the image has a SOCI index (no layer byte is fetched).
 *
 * <p>PATH (default {@code /}) that is a directory, links followed, is listed: its entries' names
 * in name order, or with {@code -R} every path below it, parents first, as absolute paths (as
 * {@code find} prints them, without PATH itself). Any other PATH prints itself; so does a link
 * PATH with {@code -l} (as {@code ls -l} shows it) unless PATH ends in {@code /}. Every entry shows, dot files too. With {@code -l}, each line is {@code ls -l}'s without
 * the link count and header: mode ({@code drwxr-xr-x}, with {@code s}/{@code t} bits), owner and
 * group (the tar header's names, else the numeric ids), size (a device's {@code major, minor}),
 * modification time in UTC as {@code yyyy-MM-dd HH:mm}, the name, and {@code -> target} for a
 * link; columns are aligned over the whole output. Control characters and {@code \} in names
 * are written as C escapes ({@code \n}, {@code \\}, {@code \x7f}), so that each path is one
 * line.
 */
@Command(
    name = "ls",
    mixinStandardHelpOptions = true,
    description = "List the files of an image (layout or registry) from its zTOCs, as ls or "
        + "find would: names, or with -l modes, owners, sizes and times.")
final class LsCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  @Mixin RegistryOptions registries;

  @Mixin ImageFileSystem images;

  @Option(names = "-l", description = "Long format: mode, owner, group, size, time, name.")
  boolean longFormat;

  @Option(names = "-R", description = "Every path below PATH, as absolute paths.")
  boolean recursive;

  @Parameters(index = "0", paramLabel = "IMAGE", converter = ImageArgument.Converter.class,
      description = "Layout directory or tar, oci-archive:PATH, or docker://HOST/REPO[:TAG].")
  ImageArgument image;

  @Parameters(index = "1", paramLabel = "PATH", arity = "0..1", defaultValue = "/",
      description = "A directory to list or a path to show (default: /).")
  String path;

  @Override
  public Integer call() throws Exception {
    registries.validate(spec.commandLine());
    PrintWriter out = spec.commandLine().getOut();
    try (ImageFileSystem.Opened img = images.open(image, registries,
        spec.commandLine().getErr())) {
      Path start = img.fs.getPath(path);
      List<Path> shown = new ArrayList<>();
      // As ls: with -l a link PATH is shown itself, unless PATH ends in '/'.
      boolean showLink = longFormat && !path.endsWith("/") && Files.isSymbolicLink(start);
      if (!showLink && Files.isDirectory(start)) {
        if (recursive) {
          // Walked from where a link PATH leads, shown under PATH as given (as ls -R does).
          Path real = start.toRealPath();
          Files.walkFileTree(real, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (!dir.equals(real)) {
                shown.add(start.resolve(real.relativize(dir)));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              shown.add(start.resolve(real.relativize(file)));
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
              throw exc;
            }
          });
        } else {
          try (Stream<Path> s = Files.list(start)) {
            s.forEach(shown::add);
          }
        }
      } else if (Files.exists(start, LinkOption.NOFOLLOW_LINKS)) {
        shown.add(start);
      } else {
        Files.readAttributes(start, BasicFileAttributes.class); // the image's own reason
        throw new NoSuchFileException(path);
      }
      boolean names = !recursive && !showLink && Files.isDirectory(start);
      if (!longFormat) {
        for (Path p : shown) {
          out.println(quote(label(p, names)));
        }
      } else {
        printLong(out, shown, names);
      }
    }
    return 0;
  }

  private static String label(Path p, boolean nameOnly) {
    if (nameOnly) {
      Path n = p.getFileName();
      return n == null ? "/" : n.toString();
    }
    return p.toAbsolutePath().normalize().toString();
  }

  private void printLong(PrintWriter out, List<Path> shown, boolean names) throws IOException {
    List<String[]> rows = new ArrayList<>(shown.size());
    int[] width = new int[4];
    for (Path p : shown) {
      PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      Map<String, Object> unix = Files.readAttributes(p, "unix:mode,rdev",
          LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) unix.get("mode");
      String size = Long.toString(a.size());
      int type = mode & 0170000;
      if (type == 0020000 || type == 0060000) {
        long rdev = (Long) unix.get("rdev");
        long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
        long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
        size = major + ", " + minor;
      }
      String name = quote(label(p, names));
      if (a.isSymbolicLink()) {
        name += " -> " + quote(Files.readSymbolicLink(p).toString());
      }
      String[] row = {modeString(mode), a.owner().getName(), a.group().getName(), size,
          TIME.format(a.lastModifiedTime().toInstant()), name};
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
      rows.add(row);
    }
    for (String[] r : rows) {
      out.println(r[0] + " " + pad(r[1], width[1], false) + " " + pad(r[2], width[2], false)
          + " " + pad(r[3], width[3], true) + " " + r[4] + " " + r[5]);
    }
  }

  private static String pad(String s, int width, boolean right) {
    String fill = " ".repeat(Math.max(0, width - s.length()));
    return right ? fill + s : s + fill;
  }

  /** {@code ls -l}'s mode string: type letter, then rwx three times with s/S and t/T. */
  static String modeString(int mode) {
    char type = switch (mode & 0170000) {
      case 0040000 -> 'd';
      case 0120000 -> 'l';
      case 0020000 -> 'c';
      case 0060000 -> 'b';
      case 0010000 -> 'p';
      case 0140000 -> 's';
      default -> '-';
    };
    StringBuilder sb = new StringBuilder().append(type);
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      sb.append((mode & (0400 >> i)) != 0 ? rwx.charAt(i) : '-');
    }
    special(sb, 3, (mode & 04000) != 0, 's');
    special(sb, 6, (mode & 02000) != 0, 's');
    special(sb, 9, (mode & 01000) != 0, 't');
    return sb.toString();
  }

  private static void special(StringBuilder sb, int at, boolean set, char letter) {
    if (set) {
      sb.setCharAt(at, sb.charAt(at) == 'x' ? letter : Character.toUpperCase(letter));
    }
  }

  /** {@code s} with control characters and {@code \} as C escapes: one line per path. */
  static String quote(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String esc = switch (c) {
        case '\\' -> "\\\\";
        case '\n' -> "\\n";
        case '\t' -> "\\t";
        case '\r' -> "\\r";
        default -> c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : null;
      };
      if (esc != null && sb == null) {
        sb = new StringBuilder(s.substring(0, i));
      }
      if (sb != null) {
        if (esc != null) {
          sb.append(esc);
        } else {
          sb.append(c);
        }
      }
    }
    return sb == null ? s : sb.toString();
  }
}
