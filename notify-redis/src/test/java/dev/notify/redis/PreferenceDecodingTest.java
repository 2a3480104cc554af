package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.notify.core.Channel;
import dev.notify.core.Preferences;
import dev.notify.core.QuietHours;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PreferenceDecodingTest {

    private final KeyLayout keys = new KeyLayout("notify:");

    @Test
    void should_name_keys_as_documented() {
        assertThat(keys.preferences("u1")).isEqualTo("notify:pref:u1");
        assertThat(keys.tokens("u1", Channel.APNS)).isEqualTo("notify:tokens:u1:APNS");
        assertThat(keys.dedup("n-1")).isEqualTo("notify:dedup:n-1");
        assertThat(KeyLayout.optOutField(Channel.SMS)).isEqualTo("optout:SMS");
        assertThat(KeyLayout.blockField("+15550100", null)).isEqualTo("block:+15550100");
        assertThat(KeyLayout.blockField("+15550100", "MG123")).isEqualTo("block:+15550100|MG123");
    }

    @Test
    void should_read_an_empty_hash_as_no_restriction() {
        assertThat(RedisPreferenceStore.decode("u1", Map.of(), Set.of())).isEqualTo(Preferences.NONE);
        assertThat(RedisPreferenceStore.decode("u1", null, Set.of())).isEqualTo(Preferences.NONE);
    }

    @Test
    void should_read_opt_outs_blocks_and_quiet_hours() {
        Map<String, String> hash = Map.of(
                "optout:SMS", "1733000000000",
                "optout:EMAIL", "1733000000000",
                "block:+15550100", "twilio:21610 1733000000000",
                "quiet", "22:00 07:00 Europe/Paris");

        Preferences preferences = RedisPreferenceStore.decode("u1", hash, Set.of());

        assertThat(preferences.optedOutChannels()).containsExactlyInAnyOrder(Channel.SMS, Channel.EMAIL);
        assertThat(preferences.blockedRecipients()).containsExactly("+15550100");
        assertThat(preferences.quietHours())
                .isEqualTo(new QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0), ZoneId.of("Europe/Paris")));
    }

    @Test
    void should_apply_a_sender_specific_block_only_to_our_senders_when_they_are_named() {
        Map<String, String> hash = Map.of("block:+15550100|+15550999", "twilio:21610 1");

        assertThat(RedisPreferenceStore.decode("u1", hash, Set.of()).blockedRecipients())
                .as("no senders configured: every block applies").containsExactly("+15550100");
        assertThat(RedisPreferenceStore.decode("u1", hash, Set.of("+15550999")).blockedRecipients())
                .containsExactly("+15550100");
        assertThat(RedisPreferenceStore.decode("u1", hash, Set.of("+15550888")).blockedRecipients())
                .as("blocked for another sender only").isEmpty();
    }

    @Test
    void should_skip_unreadable_fields_instead_of_failing() {
        Map<String, String> hash = Map.of("optout:PIGEON", "1", "quiet", "late 07:00 Mars/Olympus", "other", "x",
                "optout:APNS", "1");

        Preferences preferences = RedisPreferenceStore.decode("u1", hash, Set.of());

        assertThat(preferences.optedOutChannels()).containsExactly(Channel.APNS);
        assertThat(preferences.quietHours()).isNull();
    }

    @Test
    void should_write_quiet_hours_as_it_reads_them() {
        QuietHours quiet = new QuietHours(LocalTime.of(21, 30), LocalTime.of(6, 45), ZoneId.of("America/New_York"));

        String stored = RedisPreferenceStore.formatQuietHours(quiet);

        assertThat(stored).isEqualTo("21:30 06:45 America/New_York");
        assertThat(RedisPreferenceStore.decode("u1", Map.of("quiet", stored), Set.of()).quietHours()).isEqualTo(quiet);
    }

    @Test
    void should_reject_a_recipient_that_would_make_a_block_field_ambiguous() {
        assertThatThrownBy(() -> KeyLayout.checkBlockPart("a|b", "recipient"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recipient");
    }
}
