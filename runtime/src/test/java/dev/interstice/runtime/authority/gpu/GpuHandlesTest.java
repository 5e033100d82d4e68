package dev.interstice.runtime.authority.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.interstice.runtime.authority.gpu.GpuHandles.Kind;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** A module's GPU ids: counted from 0, looked up by kind, capped (no GPU needed: the objects are never touched). */
class GpuHandlesTest {
    private static final MemorySegment OBJECT = MemorySegment.ofAddress(0x1000);

    @Test
    void idsCountFromZeroAndAreLookedUpWithTheirKind() {
        var h = new GpuHandles(10);
        assertThat(h.add(Kind.BUFFER, OBJECT, 16)).isZero();
        assertThat(h.add(Kind.SAMPLER, OBJECT, 0)).isEqualTo(1);
        assertThat(h.get(0, Kind.BUFFER)).isEqualTo(OBJECT);
        assertThatThrownBy(() -> h.get(1, Kind.BUFFER))
                .isInstanceOf(GpuRefusal.class)
                .hasMessage("id 1 is a sampler, not a buffer");
        assertThatThrownBy(() -> h.get(-1, Kind.TEXTURE))
                .isInstanceOf(GpuRefusal.class)
                .hasMessage("no texture with id 4294967295");
        h.forget(0);
        assertThatThrownBy(() -> h.get(0, Kind.BUFFER)).hasMessage("no buffer with id 0");
        assertThat(h.add(Kind.BUFFER, OBJECT, 16)).as("ids are never reused").isEqualTo(2);
    }

    @Test
    void aModuleHoldsAtMostItsLimitOfObjects() {
        var h = new GpuHandles(3);
        for (int i = 0; i < 3; i++) h.add(Kind.BUFFER, OBJECT, 1);
        assertThatThrownBy(() -> h.add(Kind.BUFFER, OBJECT, 1))
                .isInstanceOf(GpuRefusal.class)
                .hasMessage("too many GPU objects (3): destroy some before creating more");
        h.forget(1);
        assertThat(h.add(Kind.BUFFER, OBJECT, 1)).isEqualTo(3);
    }
}
