package dev.soci.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.CorruptZinfoException;
import dev.soci.core.internal.Checkpoint;
import dev.soci.core.internal.GzipZinfo;
import dev.soci.core.internal.LayerIndexer;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GzipZinfoTest {
  private static final int RECORD = 17 + Checkpoint.WINDOW_SIZE;

  private static List<Checkpoint> sample() throws Exception {
    byte[] gz = Gz.gzip(Gz.mixed(new Random(31), 300_000), 6);
    return LayerIndexer.index(new ByteArrayInputStream(gz), null, 50_000, null).checkpoints();
  }

  @Test
  void v2RoundTrip() throws Exception {
    List<Checkpoint> cps = sample();
    assertThat(cps.size()).isGreaterThan(2);
    GzipZinfo z = new GzipZinfo(50_000, cps);
    byte[] b = z.toBytes();
    assertThat(b).hasSize(12 + cps.size() * RECORD);
    GzipZinfo back = GzipZinfo.parse(ByteBuffer.wrap(b));
    assertThat(back).isEqualTo(z);
    assertThat(back.version()).isEqualTo(GzipZinfo.VERSION_2);
    assertThat(back.toBytes()).isEqualTo(b);
  }

  @Test
  void v1IsReadWithTheImplicitFirstCheckpointAndWrittenBackIdentically() throws Exception {
    List<Checkpoint> cps = sample(); // checkpoint 0 of a bare gzip header is exactly the implicit one
    byte[] v2 = new GzipZinfo(50_000, cps).toBytes();
    ByteBuffer v1 = ByteBuffer.allocate(v2.length - RECORD).order(ByteOrder.LITTLE_ENDIAN);
    v1.put(v2, 0, 12).put(v2, 12 + RECORD, v2.length - 12 - RECORD);
    byte[] v1Bytes = v1.array();
    GzipZinfo z = GzipZinfo.parse(ByteBuffer.wrap(v1Bytes));
    assertThat(z.version()).isEqualTo(GzipZinfo.VERSION_1);
    assertThat(z.checkpoints()).isEqualTo(cps);
    assertThat(z.toBytes()).isEqualTo(v1Bytes);
  }

  @Test
  void lengthMustMatchExactlyOneForm() {
    ByteBuffer b = ByteBuffer.allocate(12 + 5).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, 1).putLong(4, 100);
    assertThatThrownBy(() -> GzipZinfo.parse(b)).isInstanceOf(CorruptZinfoException.class).hasMessageContaining("neither");
    ByteBuffer huge = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(0, Integer.MAX_VALUE).putLong(4, 1);
    assertThatThrownBy(() -> GzipZinfo.parse(huge)).isInstanceOf(CorruptZinfoException.class);
    ByteBuffer negative = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(0, -5).putLong(4, 1);
    assertThatThrownBy(() -> GzipZinfo.parse(negative)).isInstanceOf(CorruptZinfoException.class);
    assertThatThrownBy(() -> GzipZinfo.parse(ByteBuffer.allocate(3))).isInstanceOf(CorruptZinfoException.class);
  }

  @Test
  void fieldValidation() throws Exception {
    byte[] good = new GzipZinfo(50_000, sample()).toBytes();
    ByteBuffer b = ByteBuffer.wrap(good.clone()).order(ByteOrder.LITTLE_ENDIAN);
    b.put(12 + RECORD + 16, (byte) 8); // bits of checkpoint 1
    assertThatThrownBy(() -> GzipZinfo.parse(b)).isInstanceOf(CorruptZinfoException.class).hasMessageContaining("bits");
    ByteBuffer back = ByteBuffer.wrap(good.clone()).order(ByteOrder.LITTLE_ENDIAN);
    back.putLong(12 + RECORD, 3); // in of checkpoint 1 before checkpoint 0's
    assertThatThrownBy(() -> GzipZinfo.parse(back)).isInstanceOf(CorruptZinfoException.class).hasMessageContaining("backwards");
    ByteBuffer span = ByteBuffer.wrap(good.clone()).order(ByteOrder.LITTLE_ENDIAN);
    span.putLong(4, 0);
    assertThatThrownBy(() -> GzipZinfo.parse(span)).isInstanceOf(CorruptZinfoException.class);
  }

  @Test
  void randomMutationsGiveOnlyTypedErrors() throws Exception {
    List<Checkpoint> cps = new ArrayList<>(sample().subList(0, 3));
    byte[] good = new GzipZinfo(50_000, cps).toBytes();
    Random r = new Random(32);
    int errors = 0;
    for (int i = 0; i < 2000; i++) {
      byte[] m = good.clone();
      // mutate the header and record fields (not window bytes, which carry no structure)
      int[] hot = {0, 1, 2, 3, 4, 11, 12, 19, 20, 28, 12 + 16, 12 + RECORD, 12 + RECORD + 8, 12 + RECORD + 16};
      for (int k = 0; k < 1 + r.nextInt(3); k++) {
        m[hot[r.nextInt(hot.length)] + (r.nextBoolean() ? 0 : r.nextInt(4))] ^= (byte) (1 + r.nextInt(255));
      }
      int cut = r.nextInt(10) == 0 ? r.nextInt(m.length) : m.length;
      try {
        GzipZinfo z = GzipZinfo.parse(ByteBuffer.wrap(m, 0, cut));
        assertThat(z.toBytes()).isEqualTo(java.util.Arrays.copyOf(m, cut));
      } catch (CorruptZinfoException expected) {
        errors++;
      }
    }
    assertThat(errors).isGreaterThan(500);
  }
}
