# E-mail address.  Validator email (lib/detect/email.c).
[email]
name = E-mail address
# Local part: dot-atom characters (and * for masked addresses); domain:
# labels of letters, digits and inner hyphens, or of Hangul syllables
# (internationalised domains such as 회사.kr or 도메인.한국; a Hangul
# syllable is three UTF-8 bytes, lead byte EA-ED, checked exactly by the
# validator); top-level label letters, or 한국 (ED 95 9C EA B5 AD).
regex = (?<![A-Za-z0-9._%+*-])[A-Za-z0-9._%+*-]{1,64}@(?:(?:[A-Za-z0-9]|[\xEA-\xED][\x80-\xBF]{2})(?:(?:[A-Za-z0-9-]|[\xEA-\xED][\x80-\xBF]{2}){0,61}(?:[A-Za-z0-9]|[\xEA-\xED][\x80-\xBF]{2}))?\.){1,8}(?:[A-Za-z]{2,24}|\xED\x95\x9C\xEA\xB5\xAD)(?![A-Za-z0-9-])(?!\.[A-Za-z0-9])
validator = email
trigger = at
confidence = high
