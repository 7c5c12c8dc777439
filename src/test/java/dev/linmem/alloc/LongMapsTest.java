package dev.linmem.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The shadows' primitive maps agree with {@link HashMap} under random puts, gets and removes (deletion shifts runs back). */
class LongMapsTest {

    @Test
    void longObjectMapAgreesWithHashMap() {
        SplittableRandom rnd = new SplittableRandom(7);
        LongMaps.LongObjectMap<String> map = new LongMaps.LongObjectMap<>();
        Map<Long, String> model = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            long key = rnd.nextInt(3000) * 8L - 4000; // clustered keys, negative ones too
            switch (rnd.nextInt(3)) {
                case 0 -> assertThat(map.put(key, "v" + i)).isEqualTo(model.put(key, "v" + i));
                case 1 -> assertThat(map.remove(key)).isEqualTo(model.remove(key));
                default -> assertThat(map.get(key)).isEqualTo(model.get(key));
            }
            assertThat(map.size()).isEqualTo(model.size());
        }
        assertThat(map.values()).containsExactlyInAnyOrderElementsOf(model.values());
    }

    @Test
    void longLongMapAgreesWithHashMap() {
        SplittableRandom rnd = new SplittableRandom(8);
        LongMaps.LongLongMap map = new LongMaps.LongLongMap();
        Map<Long, Long> model = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            long key = 0x10000L + rnd.nextInt(2000) * 16L;
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    map.put(key, i);
                    model.put(key, (long) i);
                }
                case 1 -> assertThat(map.remove(key)).isEqualTo(model.getOrDefault(key, -1L).longValue() == -1 ? -1
                        : model.remove(key).longValue());
                default -> assertThat(map.get(key)).isEqualTo(model.getOrDefault(key, -1L).longValue());
            }
            assertThat(map.size()).isEqualTo(model.size());
        }
        long[] sum = {0};
        map.forEach((k, v) -> sum[0] += k ^ v);
        assertThat(sum[0]).isEqualTo(model.entrySet().stream().mapToLong(e -> e.getKey() ^ e.getValue()).sum());
    }
}
