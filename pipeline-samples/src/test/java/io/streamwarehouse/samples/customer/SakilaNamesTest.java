package io.streamwarehouse.samples.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The word lists read from their resource files: complete, in order, UTF-8 intact. */
class SakilaNamesTest {

    @Test
    void everyListIsReadWhole() {
        assertThat(SakilaNames.FIRST_NAMES).hasSize(139).startsWith("MARY", "PATRICIA");
        assertThat(SakilaNames.FIRST_NAMES).endsWith("HOWARD");
        assertThat(SakilaNames.LAST_NAMES).hasSize(193).startsWith("SMITH", "JOHNSON");
        assertThat(SakilaNames.LAST_NAMES).endsWith("ELLIOTT");
        assertThat(SakilaNames.COUNTRIES).hasSize(102).startsWith("Afghanistan").endsWith("Zambia");
        assertThat(SakilaNames.DISTRICTS)
                .hasSize(66)
                .startsWith("Alberta")
                .endsWith("Île-de-France");
        assertThat(SakilaNames.STREET_WORDS).hasSize(67).startsWith("Acacia").endsWith("Tromsø");
        assertThat(SakilaNames.STREET_SUFFIXES).hasSize(16).startsWith("Street").endsWith("Alley");
        assertThat(SakilaNames.CITY_STARTS).hasSize(36).startsWith("Al").endsWith("Za");
        assertThat(SakilaNames.CITY_ENDS).hasSize(30).startsWith("bad").endsWith("ota");
    }

    @Test
    void theCommentIsSkippedAndEmptyLinesAreEntries() {
        assertThat(SakilaNames.CITY_MIDDLES).hasSize(19).startsWith("", "", "ba").endsWith("ne");
        assertThat(SakilaNames.CITY_MIDDLES).noneMatch(s -> s.startsWith("#"));
    }

    @Test
    void accentsSurviveAsUtf8() {
        assertThat(SakilaNames.COUNTRIES).contains("Réunion");
        assertThat(SakilaNames.DISTRICTS).contains("Baden-Württemberg", "Cataluña", "Östergötland");
        assertThat(SakilaNames.STREET_WORDS).contains("Córdoba", "Zürich", "Łódź", "Gdańsk");
    }

    @Test
    void entriesCarryNoStrayWhitespaceAndTheListsAreFixed() {
        for (List<String> list :
                List.of(
                        SakilaNames.FIRST_NAMES,
                        SakilaNames.LAST_NAMES,
                        SakilaNames.COUNTRIES,
                        SakilaNames.DISTRICTS,
                        SakilaNames.STREET_WORDS,
                        SakilaNames.STREET_SUFFIXES,
                        SakilaNames.CITY_STARTS,
                        SakilaNames.CITY_MIDDLES,
                        SakilaNames.CITY_ENDS)) {
            assertThat(list).allMatch(s -> s.equals(s.strip()));
            assertThatThrownBy(() -> list.add("x"))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void aMissingListIsAnError() {
        assertThatThrownBy(() -> SakilaNames.load("no-such-list.txt"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("names/no-such-list.txt");
    }
}
