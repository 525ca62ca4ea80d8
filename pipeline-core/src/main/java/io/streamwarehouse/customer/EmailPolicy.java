package io.streamwarehouse.customer;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * How customer e-mail addresses are stored in the warehouse ({@code customer.email-mode}).
 *
 * <ul>
 *   <li>{@code plain}: as in the source.
 *   <li>{@code masked}: first letter and domain only, {@code MARY.SMITH@sakilacustomer.org} becomes
 *       {@code M***@sakilacustomer.org}. The mask has a fixed width so it does not leak the length.
 *   <li>{@code hashed}: HMAC-SHA256 (lower-case hex) of the trimmed, lower-cased address with a
 *       secret key from configuration. Keyed, so nobody without the key can test guesses against
 *       it; and normalised, so the same mailbox written in another case still joins to the same
 *       value.
 * </ul>
 */
public final class EmailPolicy implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String HMAC = "HmacSHA256";
    private static final String MASK = "***";

    /** The configuration values of {@code customer.email-mode}. */
    public enum Mode {
        PLAIN,
        MASKED,
        HASHED;

        public static Mode parse(String value) {
            String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
            for (Mode m : values()) {
                if (m.name().equals(v)) {
                    return m;
                }
            }
            throw new IllegalArgumentException(
                    "customer.email-mode must be plain, masked or hashed, not '" + value + "'");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Mode mode;
    private final byte[] key;

    private EmailPolicy(Mode mode, byte[] key) {
        this.mode = mode;
        this.key = key;
    }

    public static EmailPolicy plain() {
        return new EmailPolicy(Mode.PLAIN, null);
    }

    public static EmailPolicy masked() {
        return new EmailPolicy(Mode.MASKED, null);
    }

    /**
     * @param secret the HMAC key; required and not blank, so a misconfigured job fails at start
     *     instead of writing unkeyed (guessable) hashes
     */
    public static EmailPolicy hashed(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException(
                    "customer.email-mode=hashed needs a non-empty hash key (customer.email-hash-key)");
        }
        return new EmailPolicy(Mode.HASHED, secret.getBytes(StandardCharsets.UTF_8));
    }

    /** From the configuration values; {@code hashKey} is only read for {@code hashed}. */
    public static EmailPolicy of(String mode, String hashKey) {
        return of(Mode.parse(mode), hashKey);
    }

    public static EmailPolicy of(Mode mode, String hashKey) {
        switch (Objects.requireNonNull(mode, "mode")) {
            case PLAIN:
                return plain();
            case MASKED:
                return masked();
            default:
                return hashed(hashKey);
        }
    }

    public Mode mode() {
        return mode;
    }

    /** The value to store for {@code email}; null stays null. */
    public String apply(String email) {
        if (email == null) {
            return null;
        }
        switch (mode) {
            case PLAIN:
                return email;
            case MASKED:
                return mask(email);
            default:
                return hash(email);
        }
    }

    private static String mask(String email) {
        String e = email.trim();
        if (e.isEmpty()) {
            return e;
        }
        int at = e.lastIndexOf('@');
        String first = e.substring(0, e.offsetByCodePoints(0, 1));
        if (at <= 0) {
            return first + MASK;
        }
        return first + MASK + e.substring(at);
    }

    private String hash(String email) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            byte[] digest =
                    mac.doFinal(
                            email.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** The policy as a Table API scalar function, {@code STRING -> STRING}. */
    public ScalarFunction asFunction() {
        return new EmailFunction(this);
    }

    @Override
    public String toString() {
        // Never the key: this may end up in logs and in the job graph description.
        return "EmailPolicy(" + mode + ")";
    }

    /** Applies an {@link EmailPolicy} in Table API expressions. */
    public static final class EmailFunction extends ScalarFunction {
        private static final long serialVersionUID = 1L;
        private final EmailPolicy policy;

        public EmailFunction(EmailPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
        }

        public String eval(String email) {
            return policy.apply(email);
        }

        @Override
        public boolean isDeterministic() {
            return true;
        }
    }
}
