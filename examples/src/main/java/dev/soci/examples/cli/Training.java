package dev.soci.examples.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * The training run from which the {@code ./soci} launcher builds its class-data archive (JDK
 * 17-23: the classes loaded here, parsed and verified ahead of time) or AOT cache (JDK 24+: the
 * same, linked, with method profiles): it runs the zTOC commands in-process on a small layer it
 * writes itself, so that what a real run loads and executes first is what the archive holds.
 *
 * <p>Not part of the CLI's interface: {@code java -cp soci.jar dev.soci.examples.cli.Training
 * DIR} writes its files under {@code DIR} (which must exist) and deletes them; exit 0 when every
 * command succeeded.
 */
public final class Training {
  /** Decoding passes over the layer: enough for the decoder's loops to be profiled. */
  private static final int PASSES = 2;

  private Training() {}

  /**
   * Runs the training commands in the directory {@code args[0]}.
   *
   * @param args the working directory
   * @throws IOException if the layer cannot be written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: Training DIR");
      System.exit(2);
    }
    Path dir = Files.createTempDirectory(Path.of(args[0]), "soci-training");
    int failures;
    try {
      failures = train(dir);
    } finally {
      deleteTree(dir);
    }
    System.exit(failures == 0 ? 0 : 1);
  }

  private static int train(Path dir) throws IOException {
    byte[] tar = layerTar();
    Path plain = dir.resolve("layer.tar");
    Path gz = dir.resolve("layer.tar.gz");
    Path ztoc = dir.resolve("layer.ztoc");
    Files.write(plain, tar);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz), 1 << 16)) {
      out.write(tar);
    }
    List<String[]> runs = new ArrayList<>();
    for (int i = 0; i < PASSES; i++) {
      runs.add(new String[] {"ztoc", "create", "-o", ztoc.toString(), gz.toString()});
    }
    runs.add(new String[] {"ztoc", "create", "--span-size", "65536", "-o",
        dir.resolve("plain.ztoc").toString(), plain.toString()});
    runs.add(new String[] {"ztoc", "info", ztoc.toString()});
    runs.add(new String[] {"ztoc", "list", ztoc.toString()});
    runs.add(new String[] {"ztoc", "get-file", "-o", dir.resolve("words.txt").toString(),
        gz.toString(), ztoc.toString(), "text/words.txt"});
    runs.add(new String[] {"--help"});
    runs.add(new String[] {"ztoc", "create", "--help"});
    int failures = 0;
    PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream());
    // What the commands print on stderr is shown only when one fails.
    StringWriter err = new StringWriter();
    for (String[] run : runs) {
      if (SociCli.run(run, sink, new PrintWriter(err, true)) != 0) {
        failures++;
      }
    }
    if (failures != 0) {
      System.err.print(err);
    }
    return failures;
  }

  /**
   * A 2 MB tar of what layers hold: text (words, so that the deflate stream has matches and
   * dynamic Huffman blocks), incompressible bytes (stored blocks), a repetitive binary, a
   * directory, a symbolic link and a name long enough for a PAX header.
   */
  private static byte[] layerTar() {
    SplittableRandom rnd = new SplittableRandom(17);
    ByteArrayOutputStream tar = new ByteArrayOutputStream(4 << 20);
    entry(tar, "text/", '5', new byte[0], "");
    StringBuilder words = new StringBuilder();
    String[] vocabulary = {"layer", "span", "index", "gzip", "checkpoint", "window", "digest",
        "manifest", "registry", "blob", "the", "of", "a", "to", "and", "in", "zTOC", "tar"};
    while (words.length() < 1_000_000) {
      words.append(vocabulary[rnd.nextInt(vocabulary.length)])
          .append(rnd.nextInt(16) == 0 ? '\n' : ' ');
    }
    entry(tar, "text/words.txt", '0', words.toString().getBytes(StandardCharsets.US_ASCII), "");
    byte[] noise = new byte[300_000];
    rnd.nextBytes(noise);
    entry(tar, "bin/noise", '0', noise, "");
    byte[] binary = new byte[500_000];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (i % 251 < 64 ? rnd.nextInt(4) : i * 7);
    }
    entry(tar, "bin/program", '0', binary, "");
    entry(tar, "bin/link", '2', new byte[0], "program");
    String longName = "lib/" + "a-directory-name-long-enough-to-need-a-pax-record/".repeat(3) + "f";
    byte[] pax = paxRecord("path", longName);
    entry(tar, "PaxHeaders/f", 'x', pax, "");
    entry(tar, "lib/f", '0', "pax\n".getBytes(StandardCharsets.US_ASCII), "");
    tar.writeBytes(new byte[1024]);
    return tar.toByteArray();
  }

  /** A PAX extended-header record, {@code "<len> <key>=<value>\n"} with its own length. */
  private static byte[] paxRecord(String key, String value) {
    String body = " " + key + "=" + value + "\n";
    int len = body.length() + 1;
    while (String.valueOf(len).length() + body.length() != len) {
      len++;
    }
    return (len + body).getBytes(StandardCharsets.UTF_8);
  }

  /** Appends one ustar entry (header, data, padding). */
  private static void entry(ByteArrayOutputStream tar, String name, char type, byte[] data,
      String link) {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, octal(type == '5' ? 0755 : 0644, 7));
    put(h, 108, octal(0, 7));
    put(h, 116, octal(0, 7));
    put(h, 124, octal(data.length, 11));
    put(h, 136, octal(1_700_000_000L, 11));
    h[156] = (byte) type;
    put(h, 157, link);
    put(h, 257, "ustar");
    put(h, 263, "00");
    java.util.Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, octal(sum, 6));
    h[154] = 0;
    tar.writeBytes(h);
    tar.writeBytes(data);
    tar.writeBytes(new byte[(512 - data.length % 512) % 512]);
  }

  private static String octal(long v, int digits) {
    String s = Long.toOctalString(v);
    return "0".repeat(Math.max(0, digits - s.length())) + s;
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, off, b.length);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
