package dev.soci.examples.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * {@code soci ztoc create} without picocli, for the plain forms of its arguments.
 *
 * <p>It is the command a user runs once per layer, so its fixed cost counts: picocli's first
 * command line costs about 100 ms of a cold JVM (its classes are Java 5 bytecode, which the JVM
 * verifies the slow way and no class-data archive can hold linked; its model is built by
 * reflection over annotations, each annotation a generated proxy class), as much as decoding a
 * 10 MB layer. So the plain forms are parsed here, into the same {@link ZtocCreateCommand}
 * fields picocli would set, and anything else, whatever it is (help, version, an unknown or
 * repeated option, a value that looks like an option, {@code --}, {@code @file}, a missing or
 * second layer, a span size that is not a positive number), is left to picocli, which accepts
 * or rejects it as always. A test checks that every vector accepted here parses to the same
 * fields under picocli.
 *
 * <p>Accepted: {@code [--debug] ztoc [--debug] create} then, in any order, {@code --debug},
 * {@code --span-size N}, {@code --compression C} ({@code auto}, {@code gzip}, {@code
 * uncompressed}), {@code --build-tool-identifier S}, {@code -o FILE} or {@code --output FILE}
 * (the long options also as {@code --name=value}), and one {@code LAYER}; each at most once,
 * no value empty or starting with {@code -}, no argument starting with {@code @}.
 */
final class ZtocCreateFastPath {
  private ZtocCreateFastPath() {}

  /** The parsed command, and whether {@code --debug} was given. */
  record Parsed(ZtocCreateCommand command, boolean debug) {}

  /**
   * The command {@code args} describe when they are in a plain form, else {@code null} (picocli
   * then parses them).
   */
  static Parsed parse(String[] args) {
    if (picocliPropertiesSet()) {
      return null; // picocli.* system properties change how it parses (quotes, at-files, ...)
    }
    for (String a : args) {
      if (a.startsWith("@")) {
        return null; // picocli reads @file arguments from the file, options and values alike
      }
    }
    boolean debug = false;
    int i = 0;
    String[] path = {"ztoc", "create"};
    for (String name : path) {
      while (i < args.length && args[i].equals("--debug") && !debug) {
        debug = true;
        i++;
      }
      if (i >= args.length || !args[i].equals(name)) {
        return null;
      }
      i++;
    }
    ZtocCreateCommand c = new ZtocCreateCommand();
    boolean spanSize = false;
    boolean compression = false;
    boolean buildToolIdentifier = false;
    boolean output = false;
    for (; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--debug")) {
        if (debug) {
          return null;
        }
        debug = true;
        continue;
      }
      if (!a.startsWith("-")) {
        if (c.layer != null) {
          return null;
        }
        c.layer = path(a);
        if (c.layer == null) {
          return null;
        }
        continue;
      }
      String name = a;
      String value;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        return null;
      }
      if (value.isEmpty() || value.startsWith("-")) {
        return null;
      }
      switch (name) {
        case "--span-size" -> {
          if (spanSize || !isPositiveDecimal(value)) {
            return null;
          }
          spanSize = true;
          c.spanSize = Long.parseLong(value);
        }
        case "--compression" -> {
          if (compression) {
            return null;
          }
          compression = true;
          switch (value) {
            case "auto" -> c.compression = ZtocCreateCommand.CompressionOption.auto;
            case "gzip" -> c.compression = ZtocCreateCommand.CompressionOption.gzip;
            case "uncompressed" -> c.compression = ZtocCreateCommand.CompressionOption.uncompressed;
            default -> {
              return null;
            }
          }
        }
        case "--build-tool-identifier" -> {
          if (buildToolIdentifier) {
            return null;
          }
          buildToolIdentifier = true;
          c.buildToolIdentifier = value;
        }
        case "-o", "--output" -> {
          if (output) {
            return null;
          }
          output = true;
          c.output = path(value);
          if (c.output == null) {
            return null;
          }
        }
        default -> {
          return null;
        }
      }
    }
    return c.layer == null ? null : new Parsed(c, debug);
  }

  /** 1 to 18 decimal digits, not all zeros: what {@code Long.valueOf} takes and is positive. */
  private static boolean isPositiveDecimal(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return false;
    }
    boolean nonZero = false;
    for (int k = 0; k < s.length(); k++) {
      char ch = s.charAt(k);
      if (ch < '0' || ch > '9') {
        return false;
      }
      nonZero |= ch != '0';
    }
    return nonZero;
  }

  /** The path picocli's converter would make ({@code Paths.get}), or null where it would fail. */
  private static Path path(String s) {
    try {
      return Path.of(s);
    } catch (InvalidPathException e) {
      return null;
    }
  }

  private static boolean picocliPropertiesSet() {
    for (Object key : System.getProperties().keySet()) {
      if (key instanceof String k && k.startsWith("picocli.")) {
        return true;
      }
    }
    return false;
  }
}
