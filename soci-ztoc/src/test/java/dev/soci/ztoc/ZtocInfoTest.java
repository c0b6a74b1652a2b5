package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.soci.core.Compression;
import dev.soci.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ZtocInfoTest {

  static List<Vectors.Row> rows() {
    return Vectors.manifest();
  }

  @ParameterizedTest
  @MethodSource("rows")
  void matchesReferenceInfoJson(Vectors.Row row) throws Exception {
    ZtocView view = ZtocView.open(row.ztocPath());
    ZtocInfo info = ZtocInfo.of(view);
    JsonNode json = new ObjectMapper().readTree(row.infoPath().toFile());
    assertThat(info.version()).isEqualTo(json.get("version").asText());
    assertThat(info.buildToolIdentifier()).isEqualTo(json.get("build_tool").asText());
    assertThat(info.size()).isEqualTo(json.get("size").asLong());
    assertThat(info.spanSize()).isEqualTo(json.get("span_size").asLong());
    assertThat(info.numSpans()).isEqualTo(json.get("num_spans").asInt());
    assertThat(info.numFiles()).isEqualTo(json.get("num_files").asInt());
    assertThat(info.numMultiSpanFiles()).isEqualTo(json.get("num_multi_span_files").asInt());
    JsonNode files = json.get("files");
    assertThat(info.files()).hasSize(files.size());
    for (int i = 0; i < files.size(); i++) {
      JsonNode f = files.get(i);
      assertThat(info.files().get(i))
          .isEqualTo(
              new ZtocInfo.FileInfo(
                  f.get("filename").asText(),
                  f.get("offset").asLong(),
                  f.get("size").asLong(),
                  f.get("type").asText(),
                  f.get("start_span").asInt(),
                  f.get("end_span").asInt()));
    }
  }

  @ParameterizedTest
  @MethodSource("rows")
  void streamedJsonIsTheReferenceOutputByteForByte(Vectors.Row row) throws Exception {
    StringBuilder out = new StringBuilder();
    ZtocInfo.writeJson(ZtocView.open(row.ztocPath()), out);
    out.append('\n'); // the CLI ends the document with a newline, as the reference does
    assertThat(out.toString().getBytes(StandardCharsets.UTF_8))
        .isEqualTo(Files.readAllBytes(row.infoPath()));
  }

  private static ZtocView ztocNamed(byte[]... names) throws Exception {
    List<TocEntry> entries = new java.util.ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      entries.add(new TocEntry(ByteString.wrap(names[i]), EntryType.REG, 512L * (i + 1), 0,
          ByteString.EMPTY, 0644, 0, 0, ByteString.EMPTY, ByteString.EMPTY,
          "1970-01-01T00:00:00Z", 0, 0, new TreeMap<>()));
    }
    return ZtocView.open(ZtocEncoder.encode(new Ztoc("0.9", "t<&>", 8192, 8192, entries,
        new CompressionInfo(Compression.UNCOMPRESSED, 0, List.of("sha256:" + "0".repeat(64)),
            new TarZinfo(8192, 8192).toBytes()))));
  }

  @Test
  void invalidUtf8BytesAreEscapedAndARealReplacementCharacterIsNot() throws Exception {
    ZtocView view = ztocNamed(
        new byte[] {'a', (byte) 0xff, (byte) 0xc3, 'b'},
        "x\uFFFDy".getBytes(StandardCharsets.UTF_8));
    StringBuilder out = new StringBuilder();
    ZtocInfo.writeJson(view, out);
    String json = out.toString();
    assertThat(json).startsWith("{\n  \"version\": \"0.9\",\n  \"build_tool\": \"t\\u003c\\u0026\\u003e\",");
    assertThat(json).contains("\"filename\": \"a\\ufffd\\ufffdb\",");
    assertThat(json).contains("\"filename\": \"x\uFFFDy\",");
    assertThat(json).endsWith("\"end_span\": 0\n    }\n  ]\n}");
  }

  @Test
  void anEmptyTocListsNoFiles() throws Exception {
    StringBuilder out = new StringBuilder();
    ZtocInfo.writeJson(ztocNamed(), out);
    assertThat(out.toString()).endsWith("\"num_multi_span_files\": 0,\n  \"files\": []\n}");
  }
}
