package io.streamwarehouse.local.services;

import java.security.SecureRandom;

/** Passwords for the accounts of the embedded servers. */
public final class Passwords {

    /** No quotes, backslashes or look-alike characters: safe in SQL, URLs and shell lines. */
    private static final String ALPHABET =
            "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {}

    public static String random() {
        StringBuilder password = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }
}
