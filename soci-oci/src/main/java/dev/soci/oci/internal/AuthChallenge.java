package dev.soci.oci.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 9110 section 11): a scheme such as
 * {@code Bearer} or {@code Basic} and its parameters, e.g. {@code Bearer
 * realm="https://auth.example/token",service="registry.example",scope="repository:app:pull"}.
 *
 * @param scheme the scheme, lowercased ({@code bearer}, {@code basic})
 * @param params the parameters, names lowercased, in header order (unmodifiable)
 */
public record AuthChallenge(String scheme, Map<String, String> params) {

  /** Header values longer than this are refused: registries send a few hundred bytes. */
  static final int MAX_HEADER_LENGTH = 16 * 1024;

  /** Lowercases the scheme and copies the parameters. */
  public AuthChallenge {
    scheme = scheme.toLowerCase(Locale.ROOT);
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  /** The parameter {@code name} (case-insensitive), if present. */
  public Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
  }

  /**
   * Parses every challenge of a {@code WWW-Authenticate} header value. Parameters are {@code
   * name=token} or {@code name="quoted string"} (backslash escapes honoured); token68
   * credentials, which no registry scheme uses, are not supported.
   *
   * @throws IllegalArgumentException if the value is malformed or longer than 16 KiB
   */
  public static List<AuthChallenge> parse(String header) {
    if (header.length() > MAX_HEADER_LENGTH) {
      throw new IllegalArgumentException("WWW-Authenticate header longer than " + MAX_HEADER_LENGTH);
    }
    Parser p = new Parser(header);
    List<AuthChallenge> out = new ArrayList<>();
    p.skipSeparators();
    while (!p.atEnd()) {
      String scheme = p.token();
      if (scheme.isEmpty()) {
        throw p.error("expected an authentication scheme");
      }
      Map<String, String> params = new LinkedHashMap<>();
      p.skipSpaces();
      // Parameters until the next challenge: a token followed by space or the end, not by '='.
      while (!p.atEnd()) {
        int mark = p.pos;
        String name = p.token();
        p.skipSpaces();
        if (name.isEmpty() || !p.consume('=')) {
          p.pos = mark; // not a parameter: the next challenge's scheme (or garbage, refused there)
          break;
        }
        p.skipSpaces();
        String value = p.peek() == '"' ? p.quoted() : p.token();
        params.put(name.toLowerCase(Locale.ROOT), value);
        p.skipSpaces();
        if (!p.consume(',')) {
          if (!p.atEnd()) {
            throw p.error("expected ',' after parameter " + name);
          }
          break;
        }
        p.skipSeparators();
      }
      out.add(new AuthChallenge(scheme, params));
      p.skipSeparators();
    }
    return out;
  }

  /** A cursor over the header value. */
  private static final class Parser {
    private final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    boolean atEnd() {
      return pos >= s.length();
    }

    char peek() {
      return atEnd() ? '\0' : s.charAt(pos);
    }

    boolean consume(char c) {
      if (peek() == c && !atEnd()) {
        pos++;
        return true;
      }
      return false;
    }

    void skipSpaces() {
      while (!atEnd() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
        pos++;
      }
    }

    void skipSeparators() {
      while (!atEnd() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == ',')) {
        pos++;
      }
    }

    /** An RFC 9110 token, also taking {@code /} and {@code :} so that unquoted URLs survive. */
    String token() {
      int start = pos;
      while (!atEnd() && isTokenChar(s.charAt(pos))) {
        pos++;
      }
      return s.substring(start, pos);
    }

    String quoted() {
      pos++; // the opening quote
      StringBuilder b = new StringBuilder();
      while (true) {
        if (atEnd()) {
          throw error("unterminated quoted string");
        }
        char c = s.charAt(pos++);
        if (c == '"') {
          return b.toString();
        }
        if (c == '\\') {
          if (atEnd()) {
            throw error("unterminated quoted string");
          }
          c = s.charAt(pos++);
        }
        b.append(c);
      }
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("malformed WWW-Authenticate header at character " + pos
          + ": " + what);
    }

    private static boolean isTokenChar(char c) {
      return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0
          || c == '/' || c == ':';
    }
  }
}
