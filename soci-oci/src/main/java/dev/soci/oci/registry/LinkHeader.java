package dev.soci.oci.registry;

import java.util.List;
import java.util.Locale;

/** The {@code Link} header of a paged response (RFC 8288): where its next page is. */
final class LinkHeader {
  private LinkHeader() {}

  /**
   * The target of the first link of {@code header} whose {@code rel} names {@code next}, or
   * null. Link values are {@code <target>} followed by {@code ;name=value} parameters (values
   * quoted or bare), separated by commas.
   *
   * @throws IllegalArgumentException if the header is not of that form
   */
  static String nextLinkTarget(String header) {
    int i = 0;
    int n = header.length();
    while (true) {
      while (i < n && " \t,".indexOf(header.charAt(i)) >= 0) {
        i++;
      }
      if (i >= n) {
        return null;
      }
      if (header.charAt(i) != '<') {
        throw new IllegalArgumentException("a link must start with '<'");
      }
      int close = header.indexOf('>', i);
      if (close < 0) {
        throw new IllegalArgumentException("no '>' after '<'");
      }
      String target = header.substring(i + 1, close).strip();
      i = close + 1;
      boolean next = false;
      while (i < n && header.charAt(i) != ',') {
        char c = header.charAt(i);
        if (c == ' ' || c == '\t' || c == ';') {
          i++;
          continue;
        }
        int nameEnd = i;
        while (nameEnd < n && "=;, \t".indexOf(header.charAt(nameEnd)) < 0) {
          nameEnd++;
        }
        String name = header.substring(i, nameEnd).toLowerCase(Locale.ROOT);
        i = nameEnd;
        while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
          i++;
        }
        String value = "";
        if (i < n && header.charAt(i) == '=') {
          i++;
          while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
            i++;
          }
          StringBuilder v = new StringBuilder();
          if (i < n && header.charAt(i) == '"') {
            i++;
            while (i < n && header.charAt(i) != '"') {
              if (header.charAt(i) == '\\' && i + 1 < n) {
                i++;
              }
              v.append(header.charAt(i++));
            }
            if (i >= n) {
              throw new IllegalArgumentException("unterminated quoted parameter");
            }
            i++;
          } else {
            while (i < n && ";, \t".indexOf(header.charAt(i)) < 0) {
              v.append(header.charAt(i++));
            }
          }
          value = v.toString();
        }
        if (name.equals("rel")) {
          // rel is a space-separated list of relation types, compared case-insensitively.
          next |= List.of(value.toLowerCase(Locale.ROOT).split("[ \t]+")).contains("next");
        }
      }
      if (next) {
        return target;
      }
    }
  }

  /** {@code s} cut to 200 characters, for a message. */
  static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }
}
