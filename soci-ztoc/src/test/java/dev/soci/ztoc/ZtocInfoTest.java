package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
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
    assertThat(info.buildTool()).isEqualTo(json.get("build_tool").asText());
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
}
