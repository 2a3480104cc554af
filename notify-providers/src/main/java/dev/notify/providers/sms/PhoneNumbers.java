package dev.notify.providers.sms;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

/** Normalises phone numbers to E.164 with libphonenumber. */
final class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private final String defaultRegion;

    PhoneNumbers(String defaultRegion) {
        this.defaultRegion = defaultRegion;
    }

    /** The number in E.164, or {@code null} if it is not a valid number. */
    String toE164(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            Phonenumber.PhoneNumber number = UTIL.parse(raw.trim(), defaultRegion);
            if (!UTIL.isValidNumber(number)) {
                return null;
            }
            return UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            return null;
        }
    }
}
