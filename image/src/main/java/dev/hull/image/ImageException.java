package dev.hull.image;

/** A failed image operation, in one line naming the file, field or reference and the reason. */
public class ImageException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
