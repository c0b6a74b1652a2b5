package dev.soci.oci.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoJsonWriteValueTest {
  @Test
  void writesIntegersBooleansAndNullsExactly() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("b", Boolean.TRUE);
    m.put("n", null);
    m.put("i", 7);
    m.put("l", Long.MIN_VALUE);
    m.put("big", new BigInteger("123456789012345678901234567890"));
    List<Object> list = new ArrayList<>();
    list.add(false);
    list.add((short) 3);
    m.put("list", list);
    assertThat(new String(GoJson.writeValue(m), StandardCharsets.UTF_8)).isEqualTo(
        "{\"b\":true,\"n\":null,\"i\":7,\"l\":-9223372036854775808,"
            + "\"big\":123456789012345678901234567890,\"list\":[false,3]}");
  }

  @Test
  void refusesFractionsRatherThanRoundingThem() {
    assertThatThrownBy(() -> GoJson.writeValue(Map.of("x", 1.9)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1.9");
  }

  @Test
  void readValuesWriteBackUnchanged() throws Exception {
    byte[] json = "{\"a\":[1,true,null,\"s\\u003c\"],\"b\":{\"c\":false}}".getBytes(StandardCharsets.UTF_8);
    assertThat(GoJson.writeValue(GoJsonReader.readObject(json, "test"))).isEqualTo(json);
  }
}
