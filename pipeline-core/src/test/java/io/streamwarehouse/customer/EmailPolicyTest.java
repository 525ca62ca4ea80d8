package io.streamwarehouse.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EmailPolicyTest {

    @Test
    void plainKeepsTheAddress() {
        assertThat(EmailPolicy.plain().apply("MARY.SMITH@sakilacustomer.org"))
                .isEqualTo("MARY.SMITH@sakilacustomer.org");
        assertThat(EmailPolicy.plain().apply(null)).isNull();
    }

    @Test
    void maskedKeepsFirstLetterAndDomainWithAFixedWidthMask() {
        EmailPolicy masked = EmailPolicy.masked();
        assertThat(masked.apply("MARY.SMITH@sakilacustomer.org"))
                .isEqualTo("M***@sakilacustomer.org");
        // The mask does not reveal the length of the local part.
        assertThat(masked.apply("AL@sakilacustomer.org")).isEqualTo("A***@sakilacustomer.org");
        assertThat(masked.apply("no-at-sign")).isEqualTo("n***");
        assertThat(masked.apply("Ölaf@example.org")).isEqualTo("Ö***@example.org");
        assertThat(masked.apply("")).isEmpty();
        assertThat(masked.apply(null)).isNull();
    }

    @Test
    void hashedIsHmacSha256InLowerCaseHex() {
        // RFC 4231, test case 2.
        assertThat(EmailPolicy.hashed("Jefe").apply("what do ya want for nothing?"))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void hashedNormalisesCaseAndSpacesButDependsOnTheKey() {
        EmailPolicy hashed = EmailPolicy.hashed("k1");
        String h = hashed.apply("MARY.SMITH@sakilacustomer.org");
        assertThat(hashed.apply(" mary.smith@SAKILACUSTOMER.org ")).isEqualTo(h);
        assertThat(h).hasSize(64).matches("[0-9a-f]+");
        assertThat(EmailPolicy.hashed("k2").apply("MARY.SMITH@sakilacustomer.org")).isNotEqualTo(h);
        assertThat(hashed.apply(null)).isNull();
    }

    @Test
    void hashedWithoutAKeyFailsAtConfigurationTime() {
        assertThatThrownBy(() -> EmailPolicy.hashed(" "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmailPolicy.of("hashed", null))
                .hasMessageContaining("customer.email-hash-key");
    }

    @Test
    void modeIsParsedFromConfiguration() {
        assertThat(EmailPolicy.of("plain", null).mode()).isEqualTo(EmailPolicy.Mode.PLAIN);
        assertThat(EmailPolicy.of(" Masked ", null).mode()).isEqualTo(EmailPolicy.Mode.MASKED);
        assertThat(EmailPolicy.of("hashed", "secret").mode()).isEqualTo(EmailPolicy.Mode.HASHED);
        assertThat(EmailPolicy.Mode.HASHED).hasToString("hashed");
        assertThatThrownBy(() -> EmailPolicy.of("encrypted", null))
                .hasMessage("customer.email-mode must be plain, masked or hashed, not 'encrypted'");
    }

    @Test
    void neverPrintsTheKey() {
        assertThat(EmailPolicy.hashed("top-secret").toString())
                .isEqualTo("EmailPolicy(hashed)")
                .doesNotContain("top-secret");
    }

    @Test
    void tableFunctionAppliesThePolicy() {
        EmailPolicy.EmailFunction f = new EmailPolicy.EmailFunction(EmailPolicy.masked());
        assertThat(f.eval("MARY.SMITH@sakilacustomer.org")).isEqualTo("M***@sakilacustomer.org");
    }
}
