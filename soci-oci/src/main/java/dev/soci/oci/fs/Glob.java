package dev.soci.oci.fs;

import java.util.regex.PatternSyntaxException;

/**
 * Translates a glob, with the rules {@link java.nio.file.FileSystem#getPathMatcher} gives for a
 * Unix file system, into a regular expression: {@code *} is any run of characters within one
 * name, {@code **} any run across names, {@code ?} one character other than {@code /}, {@code
 * [...]} one of a set ({@code [!...]} none of it, {@code a-z} a range, never {@code /}), {@code
 * {a,b}} one of the alternatives (not nested), {@code \} quotes the next character. A leading
 * dot is not special. Malformed globs are a {@link PatternSyntaxException}, as for the default
 * file system.
 */
final class Glob {
  private static final String REGEX_META = ".^$+{[]|()";
  private static final String GLOB_META = "\\*?[{";
  private static final char EOL = 0;

  private Glob() {}

  private static char next(String glob, int i) {
    return i < glob.length() ? glob.charAt(i) : EOL;
  }

  /** The regular expression matching what {@code glob} matches, anchored at both ends. */
  static String toRegex(String glob) {
    StringBuilder re = new StringBuilder("^");
    boolean inGroup = false;
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i++);
      switch (c) {
        case '\\' -> {
          if (i == glob.length()) {
            throw new PatternSyntaxException("No character to escape", glob, i - 1);
          }
          char q = glob.charAt(i++);
          if (GLOB_META.indexOf(q) >= 0 || REGEX_META.indexOf(q) >= 0) {
            re.append('\\');
          }
          re.append(q);
        }
        case '/' -> re.append('/');
        case '[' -> i = bracket(glob, i, re);
        case '{' -> {
          if (inGroup) {
            throw new PatternSyntaxException("Cannot nest groups", glob, i - 1);
          }
          re.append("(?:(?:");
          inGroup = true;
        }
        case '}' -> {
          if (inGroup) {
            re.append("))");
            inGroup = false;
          } else {
            re.append('}');
          }
        }
        case ',' -> re.append(inGroup ? ")|(?:" : ",");
        case '*' -> {
          if (next(glob, i) == '*') {
            re.append(".*");
            i++;
          } else {
            re.append("[^/]*");
          }
        }
        case '?' -> re.append("[^/]");
        default -> {
          if (REGEX_META.indexOf(c) >= 0) {
            re.append('\\');
          }
          re.append(c);
        }
      }
    }
    if (inGroup) {
      throw new PatternSyntaxException("Missing '}'", glob, i - 1);
    }
    return re.append('$').toString();
  }

  /** Translates the class starting after its {@code [} at {@code i}; returns where it ends. */
  private static int bracket(String glob, int i, StringBuilder re) {
    re.append("[[^/]&&[");
    if (next(glob, i) == '^') {
      re.append("\\^"); // not a negation in a glob
      i++;
    } else {
      if (next(glob, i) == '!') {
        re.append('^');
        i++;
      }
      if (next(glob, i) == '-') {
        re.append('-'); // a leading '-' is itself
        i++;
      }
    }
    boolean hasRangeStart = false;
    char last = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i++);
      if (c == ']') {
        return close(re, i);
      }
      if (c == '/') {
        throw new PatternSyntaxException("Explicit 'name separator' in class", glob, i - 1);
      }
      if (c == '\\' || c == '[' || (c == '&' && next(glob, i) == '&')) {
        re.append('\\'); // literal in a glob class, special in a regex one
      }
      re.append(c);
      if (c == '-') {
        if (!hasRangeStart) {
          throw new PatternSyntaxException("Invalid range", glob, i - 1);
        }
        c = next(glob, i++);
        if (c == ']') {
          return close(re, i); // "a-]": the '-' is itself
        }
        if (c == EOL) {
          break;
        }
        if (c < last) {
          throw new PatternSyntaxException("Invalid range", glob, i - 3);
        }
        re.append(c);
        hasRangeStart = false;
      } else {
        hasRangeStart = true;
        last = c;
      }
    }
    throw new PatternSyntaxException("Missing ']'", glob, i - 1);
  }

  private static int close(StringBuilder re, int i) {
    re.append("]]");
    return i;
  }
}
