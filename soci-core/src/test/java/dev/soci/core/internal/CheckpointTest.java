package dev.soci.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.internal.Checkpoint;
import org.junit.jupiter.api.Test;

class CheckpointTest {
  @Test
  void compressedStartIncludesThePartialByte() {
    byte[] w = new byte[Checkpoint.WINDOW_SIZE];
    assertThat(new Checkpoint(100, 5, 3, w).compressedStart()).isEqualTo(99);
    assertThat(new Checkpoint(100, 5, 0, w).compressedStart()).isEqualTo(100);
  }

  @Test
  void rejectsInvalidFields() {
    byte[] w = new byte[Checkpoint.WINDOW_SIZE];
    assertThatThrownBy(() -> new Checkpoint(1, 0, 8, w)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Checkpoint(-1, 0, 0, w)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Checkpoint(1, 0, 0, new byte[10])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Checkpoint(0, 0, 2, w)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void equalityComparesWindowContents() {
    byte[] a = new byte[Checkpoint.WINDOW_SIZE];
    byte[] b = new byte[Checkpoint.WINDOW_SIZE];
    assertThat(new Checkpoint(10, 0, 0, a)).isEqualTo(new Checkpoint(10, 0, 0, b));
    b[7] = 1;
    assertThat(new Checkpoint(10, 0, 0, a)).isNotEqualTo(new Checkpoint(10, 0, 0, b));
  }
}
