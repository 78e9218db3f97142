package dev.chorus.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cases from Kubernetes' third_party/forked/golang/expansion tests. */
class ExpansionTest {
    static final Map<String, String> VARS = Map.of("VAR_A", "A", "VAR_B", "B", "VAR_EMPTY", "");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "$(VAR_A)|A",
        "___$(VAR_B)___|___B___",
        "$(VAR_A)-1|A-1",
        "$(VAR_A)_$(VAR_B)|A_B",
        "$$(VAR_B)_$(VAR_A)|$(VAR_B)_A",
        "$(UNKNOWN)|$(UNKNOWN)",
        "$$$$$$(BIG_MONEY)|$$$(BIG_MONEY)",
        "$(VAR_A|$(VAR_A",
        "$VAR_A|$VAR_A",
        "$(VAR_A)$|A$",
        "x$(VAR_EMPTY)y|xy",
        "$()|$()",
        "$$|$",
        "'$'|'$'",
        "no vars|no vars",
    })
    void expandsLikeKubernetes(String input, String expected) {
        assertThat(Expansion.expand(input, VARS)).isEqualTo(expected);
    }
}
