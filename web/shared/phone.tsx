import { parsePhoneNumberFromString } from "libphonenumber-js/min";

/** An E.164 number as people read it (+55 11 98765 4321); one it cannot parse, as it came. */
export const formatPhone = (e164: string) =>
  parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;

/** A number to call: shown for people, dialled in E.164, always left to right. */
export const PhoneLink = ({ phone }: { phone: string }) => (
  <a href={`tel:${phone}`} dir="ltr">
    {formatPhone(phone)}
  </a>
);
