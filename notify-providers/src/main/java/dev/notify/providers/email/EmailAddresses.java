package dev.notify.providers.email;

import java.util.regex.Pattern;

/** A pragmatic check of an email address: one {@code @}, a dotted domain, no spaces, within RFC 5321 lengths. */
final class EmailAddresses {

    private static final Pattern ADDRESS = Pattern.compile(
            "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$");

    private EmailAddresses() {
    }

    static boolean isValid(String address) {
        if (address == null || address.length() > 254) {
            return false;
        }
        int at = address.indexOf('@');
        if (at < 1 || at > 64 || address.startsWith(".") || address.contains("..") || address.charAt(at - 1) == '.') {
            return false;
        }
        return ADDRESS.matcher(address).matches();
    }
}
