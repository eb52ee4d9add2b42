package dev.masync.audit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a value that must never reach the audit log (a clear API key, a key hash, a credential). The audit
 * serialiser leaves such properties out, so a record may be audited as it is even if it carries a secret.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.RECORD_COMPONENT, ElementType.PARAMETER})
public @interface Secret {}
