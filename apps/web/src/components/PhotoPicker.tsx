import type { UploadFile } from 'antd';
import { App, Button, Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import { MAX_PHOTO_BYTES } from './photos';

const MAX_PHOTOS = 3;

/**
 * Up to three photos (JPEG, PNG or WebP, 2 MB each) chosen for a record: kept in the form until it is sent
 * (`photosOf`), a photo too large refused with a word rather than dropped silently.
 */
export function PhotoPicker({
  files,
  onChange,
  look = 'card',
  testId,
}: {
  files: UploadFile[];
  onChange: (files: UploadFile[]) => void;
  /** A square per photo with a "+" (a form's field), or a list under a small button (a progress note). */
  look?: 'card' | 'list';
  testId?: string;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  return (
    <Upload
      listType={look === 'card' ? 'picture-card' : 'picture'}
      accept="image/jpeg,image/png,image/webp"
      maxCount={MAX_PHOTOS}
      fileList={files}
      data-testid={testId}
      beforeUpload={(file) => {
        if (file.size <= MAX_PHOTO_BYTES) return false;
        message.warning(t('common.photoTooLarge', { name: file.name }));
        return Upload.LIST_IGNORE;
      }}
      onChange={({ fileList }) => onChange(fileList.slice(0, MAX_PHOTOS))}
    >
      {files.length < MAX_PHOTOS && (look === 'card' ? '+' : <Button size="small">{t('item.addPhoto')}</Button>)}
    </Upload>
  );
}
