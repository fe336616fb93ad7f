import Testing
@testable import FlowTUI

@Suite struct DisplayWidthTests {
    @Test func asciiIsOneColumn() {
        #expect(DisplayWidth.of("hello") == 5)
    }

    @Test func cjkAndFullwidthAreTwoColumns() {
        #expect(DisplayWidth.of(Character("世")) == 2)
        #expect(DisplayWidth.of("世界") == 4)
        #expect(DisplayWidth.of(Character("ｱ")) == 1)  // halfwidth katakana stays narrow
        #expect(DisplayWidth.of(Character("Ａ")) == 2)  // fullwidth Latin
        #expect(DisplayWidth.of(Character("한")) == 2)
    }

    @Test func emojiAreTwoColumns() {
        #expect(DisplayWidth.of(Character("🙂")) == 2)
        #expect(DisplayWidth.of(Character("👩‍💻")) == 2)  // ZWJ sequence is one wide cluster
        #expect(DisplayWidth.of(Character("🇫🇷")) == 2)
        #expect(DisplayWidth.of(Character("❤️")) == 2)  // text-default heart with VS16
        #expect(DisplayWidth.of(Character("❤")) == 1)
    }

    @Test func combiningMarksAddNoWidth() {
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("cafe\u{301}") == 4)
        #expect(DisplayWidth.scalarWidth(0x0301) == 0)
        #expect(DisplayWidth.scalarWidth(0x200B) == 0)
    }

    @Test func controlCharactersBecomeVisiblePictures() {
        #expect(DisplayWidth.visible("\u{1B}") == "\u{241B}")
        #expect(DisplayWidth.visible("\u{7F}") == "\u{2421}")
        #expect(DisplayWidth.visible("a") == "a")
    }
}
