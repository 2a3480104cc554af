package dev.notify.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class DomainTest {

    @Test
    void stored_codes_are_explicit_and_round_trip() {
        assertThat(DeliveryStatus.PENDING.code()).isZero();
        assertThat(DeliveryStatus.DELIVERED.code()).isEqualTo(1);
        assertThat(DeliveryStatus.FAILED.code()).isEqualTo(2);
        assertThat(DeliveryStatus.SUPPRESSED.code()).isEqualTo(3);
        assertThat(DeliveryStatus.EXPIRED.code()).isEqualTo(4);
        for (DeliveryStatus status : DeliveryStatus.values()) {
            assertThat(DeliveryStatus.fromCode(status.code())).isEqualTo(status);
        }
        for (Channel channel : Channel.values()) {
            assertThat(Channel.fromCode(channel.code())).isEqualTo(channel);
        }
        assertThatThrownBy(() -> DeliveryStatus.fromCode(9)).hasMessageContaining("9");
        assertThat(DeliveryStatus.PENDING.isFinal()).isFalse();
        assertThat(DeliveryStatus.SUPPRESSED.isFinal()).isTrue();
    }

    @Test
    void quiet_hours_across_midnight_contain_the_night_and_end_in_the_morning() {
        QuietHours quiet = new QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0), ZoneId.of("Europe/Paris"));

        // 23:30 in Paris (UTC+1 in December)
        Instant lateEvening = Instant.parse("2026-12-03T22:30:00Z");
        assertThat(quiet.contains(lateEvening)).isTrue();
        assertThat(quiet.endAfter(lateEvening)).isEqualTo(Instant.parse("2026-12-04T06:00:00Z"));
        assertThat(quiet.contains(Instant.parse("2026-12-03T12:00:00Z"))).isFalse();
        assertThat(quiet.contains(Instant.parse("2026-12-03T05:59:00Z"))).isTrue();
        assertThat(quiet.contains(Instant.parse("2026-12-03T06:00:00Z"))).isFalse();
    }

    @Test
    void masking_keeps_no_contactable_recipient() {
        assertThat(Masking.mask("+442079460025")).isEqualTo("+442***25");
        assertThat(Masking.mask("alice@example.com")).isEqualTo("a***@example.com");
        assertThat(Masking.mask("6f03675a1600a35a099950d836f675cc")).isEqualTo("6f03***cc");
        NotificationRequest request = new NotificationRequest("id-1", "u", Channel.SMS, "+442079460025", "", "secret",
                null, null, Instant.EPOCH, null, null);
        assertThat(request.toString()).doesNotContain("2079460025").doesNotContain("secret");
    }

    @Test
    void offset_policies_are_named_commit_and_replay() {
        assertThat(OffsetPolicy.named("commit")).isNotNull();
        assertThat(OffsetPolicy.named("replay")).isNotNull();
        assertThatThrownBy(() -> OffsetPolicy.named("sometimes")).hasMessageContaining("sometimes");
    }
}
