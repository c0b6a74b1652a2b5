package dev.soci.oci.internal;

import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.Platform;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writing JSON byte for byte as Go's {@code encoding/json} does for the OCI types (the bytes
 * digests are computed over; reading is {@link GoJsonReader}).
 *
 * <p>Writing goes through a Jackson {@link JsonGenerator} with {@link GoEscapes}; fields are
 * written in Go struct order with Go's {@code omitempty} rules, and map keys sorted by code
 * point (= UTF-8 byte order, which is Go's order).
 */
public final class GoJson {
  private GoJson() {}

  private static final JsonFactory FACTORY = new JsonFactory();

  // ------------------------------------------------------------------ escaping

  /**
   * Go's string escaping, for the JSON Go writes with HTML escaping on (the default of
   * {@code json.Marshal}): {@code "} and {@code \} backslashed; {@code \n \r \t} and (since
   * Go 1.22, which the reference is built with) {@code \b \f} as short escapes; other control
   * characters as {@code &#92;u00xx} with lowercase hex; {@code < > &} as {@code &#92;u003c &#92;u003e
   * &#92;u0026}; U+2028 and U+2029 as {@code &#92;u2028 &#92;u2029}; everything else literally. Lone
   * surrogates never reach Jackson: {@link #sanitize} replaces them with U+FFFD first, which is
   * what Go does with invalid UTF-8.
   */
  static final class GoEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private static final int[] ASCII = new int[128];
    private static final SerializableString[] SEQUENCES = new SerializableString[128];
    private static final SerializableString LS = new SerializedString("\\u2028");
    private static final SerializableString PS = new SerializedString("\\u2029");

    static {
      for (int c = 0; c < 128; c++) {
        String seq = goEscapeAscii((char) c);
        if (seq != null) {
          ASCII[c] = ESCAPE_CUSTOM;
          SEQUENCES[c] = new SerializedString(seq);
        }
      }
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ASCII.clone();
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch < 128) {
        return SEQUENCES[ch];
      }
      if (ch == 0x2028) {
        return LS;
      }
      if (ch == 0x2029) {
        return PS;
      }
      return null;
    }
  }

  /** Go's escape for an ASCII character, or null when Go writes it literally. */
  static String goEscapeAscii(char c) {
    switch (c) {
      case '"':
        return "\\\"";
      case '\\':
        return "\\\\";
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      case '\b':
        return "\\b";
      case '\f':
        return "\\f";
      case '<':
      case '>':
      case '&':
        return String.format(java.util.Locale.ROOT, "\\u%04x", (int) c);
      default:
        return c < 0x20 ? String.format(java.util.Locale.ROOT, "\\u%04x", (int) c) : null;
    }
  }

  /** Replaces unpaired UTF-16 surrogates with U+FFFD (Go's treatment of invalid UTF-8). */
  static String sanitize(String s) {
    StringBuilder sb = null;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean bad;
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          if (sb != null) {
            sb.append(c).append(s.charAt(i + 1));
          }
          i++;
          continue;
        }
        bad = true;
      } else {
        bad = Character.isLowSurrogate(c);
      }
      if (bad && sb == null) {
        sb = new StringBuilder(n).append(s, 0, i);
      }
      if (sb != null) {
        sb.append(bad ? '\uFFFD' : c);
      }
    }
    return sb == null ? s : sb.toString();
  }

  /** The Go JSON encoding of one string, quotes included (exposed for tests and tools). */
  public static byte[] quote(String s) {
    return write(g -> str(g, s));
  }

  /**
   * The Go JSON encoding of a Go string holding arbitrary bytes (a tar entry name, say), quotes
   * included: what {@code json.Marshal} writes for {@code string(bytes)}. Well-formed UTF-8 is
   * escaped as for {@link #quote(String)} (a real U+FFFD stays raw); every byte that does not
   * start a well-formed sequence (stray continuation bytes, truncated or overlong sequences,
   * UTF-16 surrogates encoded as UTF-8, code points above U+10FFFF) becomes the six characters
   * {@code &#92;ufffd}, one per byte, as Go's encoder does.
   */
  public static byte[] quote(dev.soci.ztoc.ByteString bytes) {
    return quoteBytes(bytes.toByteArray()).getBytes(StandardCharsets.UTF_8);
  }

  /** The body of {@link #quote(dev.soci.ztoc.ByteString)}, as a Java string of the JSON text. */
  private static String quoteBytes(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length + 2);
    try {
      dev.soci.core.internal.GoJsonString.appendQuoted(b, 0, b.length, sb);
    } catch (IOException e) {
      throw new UncheckedIOException("appending to a StringBuilder cannot fail", e);
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ writing

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // A Writer-based generator: it hands surrogate pairs through as chars and the UTF-8
    // encoder joins them into 4-byte sequences, where Jackson's byte generator would escape
    // them as \\ud83d\\ude00 (Go writes them literally).
    try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        JsonGenerator g = FACTORY.createGenerator(w)) {
      g.setCharacterEscapes(new GoEscapes());
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  private static void str(JsonGenerator g, String s) throws IOException {
    g.writeString(sanitize(s));
  }

  private static void field(JsonGenerator g, String name, String value) throws IOException {
    g.writeFieldName(name);
    str(g, value);
  }

  private static void optField(JsonGenerator g, String name, String value) throws IOException {
    if (!value.isEmpty()) {
      field(g, name, value);
    }
  }

  private static void map(JsonGenerator g, String name, Map<String, String> m)
      throws IOException {
    if (m.isEmpty()) {
      return;
    }
    // Go sorts map keys by their UTF-8 bytes, which is code point order; sort the sanitised
    // keys because those are the strings Go would hold.
    TreeMap<String, String> sorted = new TreeMap<>(GoJson::compareCodePoints);
    m.forEach((k, v) -> sorted.put(sanitize(k), v));
    g.writeFieldName(name);
    g.writeStartObject();
    for (Map.Entry<String, String> e : sorted.entrySet()) {
      g.writeFieldName(e.getKey());
      str(g, e.getValue());
    }
    g.writeEndObject();
  }

  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static void platform(JsonGenerator g, Platform p) throws IOException {
    g.writeStartObject();
    field(g, "architecture", p.architecture());
    field(g, "os", p.os());
    optField(g, "os.version", p.osVersion());
    if (!p.osFeatures().isEmpty()) {
      g.writeFieldName("os.features");
      g.writeStartArray();
      for (String f : p.osFeatures()) {
        str(g, f);
      }
      g.writeEndArray();
    }
    optField(g, "variant", p.variant());
    g.writeEndObject();
  }

  private static void descriptor(JsonGenerator g, Descriptor d) throws IOException {
    g.writeStartObject();
    field(g, "mediaType", d.mediaType());
    field(g, "digest", d.digest().toString());
    g.writeNumberField("size", d.size());
    if (!d.urls().isEmpty()) {
      g.writeFieldName("urls");
      g.writeStartArray();
      for (String u : d.urls()) {
        str(g, u);
      }
      g.writeEndArray();
    }
    map(g, "annotations", d.annotations());
    byte[] data = d.data();
    if (data.length > 0) {
      g.writeStringField("data", Base64.getEncoder().encodeToString(data));
    }
    if (d.platform() != null) {
      g.writeFieldName("platform");
      platform(g, d.platform());
    }
    optField(g, "artifactType", d.artifactType());
    g.writeEndObject();
  }

  private static void descriptors(JsonGenerator g, String name, List<Descriptor> list)
      throws IOException {
    // Go writes `null` for a nil slice here (no omitempty); we always write an array, which
    // is what every reference output holds and what OCI requires.
    g.writeFieldName(name);
    g.writeStartArray();
    for (Descriptor d : list) {
      descriptor(g, d);
    }
    g.writeEndArray();
  }

  /** A descriptor as Go's {@code encoding/json} writes it. */
  public static byte[] writeDescriptor(Descriptor d) {
    return write(g -> descriptor(g, d));
  }

  /** An image manifest as Go's {@code encoding/json} writes it (the digest-defining bytes). */
  public static byte[] writeManifest(ImageManifest m) {
    return write(g -> {
      g.writeStartObject();
      g.writeNumberField("schemaVersion", m.schemaVersion());
      optField(g, "mediaType", m.mediaType());
      optField(g, "artifactType", m.artifactType());
      g.writeFieldName("config");
      descriptor(g, m.config());
      descriptors(g, "layers", m.layers());
      if (m.subject() != null) {
        g.writeFieldName("subject");
        descriptor(g, m.subject());
      }
      map(g, "annotations", m.annotations());
      g.writeEndObject();
    });
  }

  /** An image index as Go's {@code encoding/json} writes it (the digest-defining bytes). */
  public static byte[] writeIndex(ImageIndex x) {
    return write(g -> {
      g.writeStartObject();
      g.writeNumberField("schemaVersion", x.schemaVersion());
      optField(g, "mediaType", x.mediaType());
      optField(g, "artifactType", x.artifactType());
      descriptors(g, "manifests", x.manifests());
      if (x.subject() != null) {
        g.writeFieldName("subject");
        descriptor(g, x.subject());
      }
      map(g, "annotations", x.annotations());
      g.writeEndObject();
    });
  }

  /**
   * Writes a value built from ordered maps (written in iteration order, as Go writes struct
   * fields), lists, strings, {@link dev.soci.ztoc.ByteString}s (Go strings of arbitrary bytes,
   * written as {@link #quote(dev.soci.ztoc.ByteString)} does), integers ({@code Long}, {@code Integer}, {@code Short}, {@code
   * Byte}, {@code BigInteger}), booleans and nulls, with Go's escaping.
   *
   * @throws IllegalArgumentException for any other value, fractions included: nothing is rounded
   */
  public static byte[] writeValue(Object v) {
    return write(g -> value(g, v));
  }

  /**
   * Re-indents compact JSON exactly as Go's {@code json.MarshalIndent(v, "", indent)} lays it out
   * (which is {@code json.Indent} over the compact encoding): a newline and indentation after
   * every opening bracket and comma, {@code ": "} between key and value, and empty objects and
   * arrays left as {@code {}} and {@code []}. Bytes inside strings are copied unchanged. No
   * trailing newline is added.
   */
  public static byte[] indent(byte[] compact, String indent) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(compact.length * 2);
    byte[] unit = indent.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int depth = 0;
    boolean inString = false;
    boolean needIndent = false; // an opening bracket was written; indent before the next value
    for (int i = 0; i < compact.length; i++) {
      byte c = compact[i];
      if (inString) {
        out.write(c);
        if (c == '\\') {
          out.write(compact[++i]);
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      if (needIndent && c != ']' && c != '}') {
        needIndent = false;
        depth++;
        newline(out, unit, depth);
      }
      switch (c) {
        case '"' -> {
          inString = true;
          out.write(c);
        }
        case '{', '[' -> {
          out.write(c);
          needIndent = true;
        }
        case ',' -> {
          out.write(c);
          newline(out, unit, depth);
        }
        case ':' -> {
          out.write(c);
          out.write(' ');
        }
        case '}', ']' -> {
          if (needIndent) {
            needIndent = false; // empty: "{}" / "[]"
          } else {
            depth--;
            newline(out, unit, depth);
          }
          out.write(c);
        }
        default -> out.write(c);
      }
    }
    return out.toByteArray();
  }

  private static void newline(java.io.ByteArrayOutputStream out, byte[] unit, int depth) {
    out.write('\n');
    for (int d = 0; d < depth; d++) {
      out.write(unit, 0, unit.length);
    }
  }

  private static void value(JsonGenerator g, Object v) throws IOException {
    if (v instanceof String s) {
      str(g, s);
    } else if (v instanceof dev.soci.ztoc.ByteString b) {
      // Raw bytes keep what decoding to a String would lose: which bytes were invalid.
      g.writeRawValue(quoteBytes(b.toByteArray()));
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof java.math.BigInteger b) {
      g.writeNumber(b);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v == null) {
      g.writeNull();
    } else if (v instanceof List<?> l) {
      g.writeStartArray();
      for (Object o : l) {
        value(g, o);
      }
      g.writeEndArray();
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(sanitize((String) e.getKey()));
        value(g, e.getValue());
      }
      g.writeEndObject();
    } else {
      // Fractions included: the structures written here have none, and rounding one silently
      // (as longValue() would) could change a digest.
      throw new IllegalArgumentException("unsupported JSON value " + v + " (" + v.getClass().getName() + ")");
    }
  }
}
